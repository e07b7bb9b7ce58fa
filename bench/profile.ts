// Per-kernel profile of one training step on wasm + trainkit kernels (tf.profile; times are
// inflated by profiling but their ranking is what matters):
//   npx tsx --conditions=@trainkit/source profile.ts lenet|resnet
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { installFastKernels } from '@trainkit/backend';
import { lenet5, sgdStep, smallResNet } from './models';

installFastKernels('wasm');
await tf.setBackend('wasm');
const which = process.argv[2] ?? 'lenet';
const model = which === 'lenet' ? lenet5() : smallResNet();
const x = tf.randomNormal(which === 'lenet' ? [64, 28, 28, 1] : [64, 32, 32, 3]);
const y = tf.oneHot(tf.randomUniformInt([64], 0, 10), 10);
const opt = tf.train.sgd(0.01);
for (let i = 0; i < 2; i++) tf.dispose(sgdStep(model, opt, x, y));
const prof = await tf.profile(async () => {
  const l = sgdStep(model, opt, x, y);
  await l.data();
  l.dispose();
});
const agg = new Map<string, number>();
for (const k of prof.kernels) {
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  agg.set(key, (agg.get(key) ?? 0) + (k.kernelTimeMs as number));
}
console.log(
  [...agg]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([n, t]) => `${t.toFixed(1)} ${n}`)
    .join('\n'),
);

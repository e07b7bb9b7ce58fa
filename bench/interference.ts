// LeNet-5 step times (one engine and 2 data-parallel replicas) in 20-step windows, with or
// without a small-ResNet data-parallel trainer stepping in the same process between windows:
// the probe behind BENCHMARKS.md's "one model at a time".
//   npx tsx --conditions=@trainkit/source interference.ts          (LeNet-5 alone)
//   WITH_RESNET=1 npx tsx --conditions=@trainkit/source interference.ts
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { installFastKernels } from '@trainkit/backend';
import { createDataParallelTrainer } from '@trainkit/backend/node';
import { sgd } from '@trainkit/optimizers';
import { softmaxCrossEntropy } from '@trainkit/train';
import { lenet5, sgdStep, smallResNet } from './models';

installFastKernels('wasm');
await tf.setBackend('wasm');
const replica = (name: string) => ({
  module: new URL('./models.ts', import.meta.url),
  export: name,
});
const trainer = (model: ReturnType<typeof lenet5>, name: string) =>
  createDataParallelTrainer({
    model,
    replica: replica(name),
    loss: softmaxCrossEntropy(),
    optimizer: sgd({ learningRate: 0.01 }),
    batchSize: 64,
  });
const parallel = await trainer(lenet5(), 'lenet5Replica');
const resnet = process.env.WITH_RESNET
  ? await trainer(smallResNet(), 'smallResNetReplica')
  : undefined;
const one = lenet5();
const opt = tf.train.sgd(0.01);
const x = tf.randomNormal([64, 28, 28, 1], 0, 1, 'float32', 1);
const y = tf.oneHot(tf.randomUniformInt([64], 0, 10, 2), 10);
const rx = tf.randomNormal([64, 32, 32, 3], 0, 1, 'float32', 3);
const median = (t: number[]) => t.sort((a, b) => a - b)[t.length >> 1]!.toFixed(1);
const timed = (step: () => void) =>
  Array.from({ length: 20 }, () => {
    const t0 = performance.now();
    step();
    return performance.now() - t0;
  });
const oneStep = () => {
  const loss = sgdStep(one, opt, x, y);
  loss.dataSync();
  loss.dispose();
};
// Past V8's tier-up of each engine's wasm (~3 s of LeNet-5 steps).
for (let i = 0; i < 400; i++) parallel.step(x, y);
for (let i = 0; i < 300; i++) oneStep();
const rows: string[] = [];
for (let w = 0; w < 6; w++) {
  const a = timed(oneStep);
  const b = timed(() => parallel.step(x, y));
  rows.push(`one engine ${median(a)} ms, 2 replicas ${median(b)} ms`);
  if (resnet) for (let i = 0; i < 4; i++) resnet.step(rx, y);
}
console.log(`LeNet-5${resnet ? ', a ResNet trainer stepping between windows' : ''}:`);
for (const r of rows) console.log(`  ${r}`);
await parallel.dispose();
await resnet?.dispose();

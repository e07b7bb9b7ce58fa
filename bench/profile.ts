// Per-kernel profile of training steps on wasm + trainkit kernels. Each kernel is wrapped to
// add up the process's CPU time (getrusage, microseconds) spent inside it, so the ranking is
// not distorted by other processes on a loaded machine (wall-clock tf.profile is).
//   npx tsx --conditions=@trainkit/source profile.ts lenet|resnet [steps]
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { installFastKernels } from '@trainkit/backend';
import { lenet5, sgdStep, smallResNet } from './models';

installFastKernels('wasm');
await tf.setBackend('wasm');
const which = process.argv[2] ?? 'lenet';
const steps = Number(process.argv[3] ?? (which === 'lenet' ? 20 : 3));
const model = which === 'lenet' ? lenet5() : smallResNet();
const x = tf.randomNormal(which === 'lenet' ? [64, 28, 28, 1] : [64, 32, 32, 3]);
const y = tf.oneHot(tf.randomUniformInt([64], 0, 10), 10);
const opt = tf.train.sgd(0.01);
for (let i = 0; i < 2; i++) tf.dispose(sgdStep(model, opt, x, y));

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const agg = new Map<string, { ms: number; calls: number }>();
let depth = 0; // composed kernels call others: count only the outermost
for (const k of tf.getKernelsForBackend('wasm')) {
  const inner = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, 'wasm');
  tf.registerKernel({
    ...k,
    kernelFunc: (args) => {
      if (depth > 0) return inner(args);
      depth++;
      const t0 = cpuMs();
      try {
        return inner(args);
      } finally {
        depth--;
        const shapes = Object.values(args.inputs).map((t) => t?.shape);
        const key = `${k.kernelName} ${JSON.stringify(shapes)}`;
        const a = agg.get(key) ?? { ms: 0, calls: 0 };
        a.ms += cpuMs() - t0;
        a.calls += 1;
        agg.set(key, a);
      }
    },
  });
}
const t0 = cpuMs();
for (let i = 0; i < steps; i++) {
  const l = sgdStep(model, opt, x, y);
  await l.data();
  l.dispose();
}
const total = (cpuMs() - t0) / steps;
const inKernels = [...agg.values()].reduce((a, b) => a + b.ms, 0) / steps;
console.log(
  `${which}: ${total.toFixed(1)} CPU ms/step, ${inKernels.toFixed(1)} inside kernels (${steps} steps)`,
);
console.log('CPU ms/step  calls/step  kernel [input shapes]');
console.log(
  [...agg]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 25)
    .map(
      ([n, a]) =>
        `${(a.ms / steps).toFixed(1).padStart(10)}  ${String(a.calls / steps).padStart(10)}  ${n}`,
    )
    .join('\n'),
);

// CPU time per training step, per thread: a signal that survives a loaded machine (wall
// time there mostly measures the other processes). Compares one engine with the
// data-parallel trainer (main thread + workers). On an idle machine with a free core per
// replica, the data-parallel step takes about max(main, one worker) plus the hand-off.
//   npx tsx --conditions=@trainkit/source step-cpu.ts lenet|resnet [replicas]
import { readFileSync } from 'node:fs';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { installFastKernels } from '@trainkit/backend';
import { createDataParallelTrainer } from '@trainkit/backend/node';
import { sgd } from '@trainkit/optimizers';
import { softmaxCrossEntropy } from '@trainkit/train';
import { lenet5, sgdStep, smallResNet } from './models';

installFastKernels('wasm');
await tf.setBackend('wasm');
const name = process.argv[2] === 'resnet' ? 'resnet' : 'lenet';
const replicas = Number(process.argv[3] ?? 2);
const build = name === 'lenet' ? lenet5 : smallResNet;
const x = tf.randomNormal(name === 'lenet' ? [64, 28, 28, 1] : [64, 32, 32, 3]);
const y = tf.oneHot(tf.randomUniformInt([64], 0, 10), 10);
const steps = name === 'lenet' ? 40 : 4;

// This thread's CPU ms (Linux /proc, 10 ms ticks: use enough steps) and the whole process's.
const threadMs = () => {
  const f = (readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1] as string).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const processMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const single = { model: build(), opt: tf.train.sgd(0.01) };
const trainer = await createDataParallelTrainer({
  model: build(),
  replica: {
    module: new URL('./models.ts', import.meta.url),
    export: name === 'lenet' ? 'lenet5Replica' : 'smallResNetReplica',
  },
  loss: softmaxCrossEntropy(),
  optimizer: sgd({ learningRate: 0.01 }),
  batchSize: 64,
  replicas,
});
for (let i = 0; i < 3; i++) {
  tf.dispose(sgdStep(single.model, single.opt, x, y));
  trainer.step(x, y);
}
console.log(`${name}, batch 64: CPU ms per step (median of 3 rounds of ${steps} steps)`);
const rows: number[][] = [];
for (let round = 0; round < 3; round++) {
  let t = threadMs();
  for (let i = 0; i < steps; i++) {
    const l = sgdStep(single.model, single.opt, x, y);
    l.dataSync();
    l.dispose();
  }
  const one = (threadMs() - t) / steps;
  t = threadMs();
  const p = processMs();
  for (let i = 0; i < steps; i++) trainer.step(x, y);
  const main = (threadMs() - t) / steps;
  const workers = (processMs() - p) / steps - main;
  rows.push([one, main, workers / (replicas - 1)]);
}
const median = (k: number) => rows.map((r) => r[k] as number).sort((a, b) => a - b)[1] as number;
const [one, main, worker] = [median(0), median(1), median(2)];
console.log(`  one engine:                      ${one.toFixed(1)}`);
console.log(`  ${replicas} replicas, main thread:       ${main.toFixed(1)}`);
console.log(
  `  ${replicas} replicas, each worker (mean): ${worker.toFixed(1)} (includes V8/GC helper threads)`,
);
console.log(
  `  idle-machine speed-up estimate one / max(main, worker): ${(one / Math.max(main, worker)).toFixed(2)}x`,
);
await trainer.dispose();

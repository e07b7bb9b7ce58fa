// Overhead of @trainkit/monitors at its default settings: `fit` with `monitor()` (loss every step,
// per-layer norms and update/weight ratios every 20 steps, histograms every 200) against the same
// `fit` without it — same model, data, optimizer and backend, interleaved rounds in one run.
// Target: ratio <= 1.10.
//   npx tsx --conditions=@trainkit/source bench/monitors-overhead.ts   (MON_BENCH_ROUNDS=n)
import * as tf from '@tensorflow/tfjs-core';
import { useFastBackend } from '@trainkit/backend';
import { monitor } from '@trainkit/monitors';
import { sgd } from '@trainkit/optimizers';
import { accuracy, fit, softmaxCrossEntropy } from '@trainkit/train';
import { lenet5 } from './models';

const BATCH = 64;
const STEPS = 40;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function main(): Promise<{
  backend: string;
  baseMs: number;
  monitoredMs: number;
  ratio: number;
}> {
  const { name: backend } = await useFastBackend('auto');
  const rounds = Number(process.env.MON_BENCH_ROUNDS ?? 3);
  const model = lenet5();
  const x = tf.randomNormal([BATCH * STEPS, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniformInt([BATCH * STEPS], 0, 10, 2), 10));
  const run = async (withMonitor: boolean) => {
    const listeners = withMonitor ? [monitor()] : [];
    const t0 = performance.now();
    await fit(
      model,
      { x, y },
      {
        loss: softmaxCrossEntropy(),
        metrics: [accuracy()],
        optimizer: sgd({ learningRate: 0.01 }),
        epochs: 1,
        batchSize: BATCH,
        listeners,
      },
    );
    return (performance.now() - t0) / STEPS;
  };
  await run(false); // warm-up (kernels, memory)
  await run(true);
  const base: number[] = [];
  const mon: number[] = [];
  for (let r = 0; r < rounds; r++) {
    base.push(await run(false));
    mon.push(await run(true));
  }
  tf.dispose([x, y]);
  model.dispose();
  const baseMs = median(base);
  const monitoredMs = median(mon);
  const ratio = monitoredMs / baseMs;
  console.log(
    `monitors overhead (${backend}, LeNet-5, batch ${BATCH}, ${STEPS} steps x ${rounds} rounds): ` +
      `fit ${baseMs.toFixed(1)} ms/step, fit + monitor() ${monitoredMs.toFixed(1)} ms/step, ratio ${ratio.toFixed(3)} (target <= 1.10)`,
  );
  return { backend, baseMs, monitoredMs, ratio };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

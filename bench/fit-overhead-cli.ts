// The overhead of `fit` + `monitor()` on trainkit train's default job (LeNet-5 'modern', batch 32,
// Adam, wasm with trainkit's kernels) against a bare step loop over the same batches: tfjs's own
// `tf.train.adam` minimising the same loss in a tf.tidy, loss read back each step. Interleaved.
// Reports wall ms and process CPU ms per step (user + system): on a machine shared with other
// jobs the CPU time of a one-engine loop is the steadier measure of its own work.
//   npx tsx --conditions=@trainkit/source bench/fit-overhead-cli.ts   (FIT_CLI_ROUNDS=n, default 5)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { lenet5 } from '@trainkit/architectures';
import { useFastBackend } from '@trainkit/backend';
import { monitor } from '@trainkit/monitors';
import { adam } from '@trainkit/optimizers';
import { accuracy, fit, softmaxCrossEntropy } from '@trainkit/train';

const BATCH = 32;
const STEPS = 57;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
type Timing = [wall: number, cpu: number];
const build = () => lenet5({ variant: 'modern', inputShape: [28, 28, 1], numClasses: 10 });

async function bare(x: tf.Tensor, y: tf.Tensor): Promise<Timing> {
  const model = build();
  const opt = tf.train.adam(0.002);
  const t0 = performance.now();
  const c0 = cpuMs();
  for (let i = 0; i < STEPS; i++) {
    const loss = tf.tidy(() => {
      const xb = tf.slice(x, i * BATCH, BATCH);
      const yb = tf.slice(y, i * BATCH, BATCH);
      return opt.minimize(
        () => tf.losses.softmaxCrossEntropy(yb, model.apply(xb, { training: true }) as tf.Tensor),
        true,
      ) as tf.Scalar;
    });
    await loss.data();
    loss.dispose();
  }
  const ms: Timing = [(performance.now() - t0) / STEPS, (cpuMs() - c0) / STEPS];
  model.dispose();
  opt.dispose();
  return ms;
}

async function withFit(
  x: tf.Tensor,
  y: tf.Tensor,
  withMonitor: boolean,
  replicas?: number,
): Promise<Timing> {
  const model = build();
  const t0 = performance.now();
  const c0 = cpuMs();
  await fit(model, { x, y }, {
    loss: softmaxCrossEntropy(),
    metrics: [accuracy()],
    optimizer: adam({ learningRate: 0.002 }),
    batchSize: BATCH,
    shuffle: false,
    progress: false,
    listeners: withMonitor ? [monitor({ every: 10 })] : [],
    ...(replicas === undefined ? {} : { replicas }),
  } as Parameters<typeof fit>[2]);
  const ms: Timing = [(performance.now() - t0) / STEPS, (cpuMs() - c0) / STEPS];
  model.dispose();
  return ms;
}

export async function main(): Promise<Record<string, number>> {
  await useFastBackend('wasm');
  const rounds = Number(process.env.FIT_CLI_ROUNDS ?? 5);
  const x = tf.randomUniform([BATCH * STEPS, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniformInt([BATCH * STEPS], 0, 10, 2), 10));
  const t: Record<string, Timing[]> = { bare: [], fit: [], 'fit + monitor': [] };
  const jobs: [string, () => Promise<Timing>][] = [
    ['bare', () => bare(x, y)],
    ['fit', () => withFit(x, y, false, 1)],
    ['fit + monitor', () => withFit(x, y, true, 1)],
  ];
  for (const [, j] of jobs) await j(); // warm-up
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...jobs].reverse() : jobs;
    for (const [k, j] of order) t[k]?.push(await j());
  }
  const wall = (k: string) => median((t[k] ?? []).map((v) => v[0]));
  const cpu = (k: string) => median((t[k] ?? []).map((v) => v[1]));
  const out: Record<string, number> = {};
  for (const k of Object.keys(t)) {
    out[k] = cpu(k) / cpu('bare');
    console.log(
      `fit-overhead lenet5 (CLI job, one engine, batch ${BATCH}, Adam) ${k.padEnd(14)} wall ${wall(k).toFixed(2)} ms/step (ratio ${(wall(k) / wall('bare')).toFixed(3)})  CPU ${cpu(k).toFixed(2)} ms/step (ratio ${(cpu(k) / cpu('bare')).toFixed(3)}, target <= 1.10)`,
    );
  }
  tf.dispose([x, y]);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

// `fit` on one engine against `fit` with 2 replicas (worker threads) on trainkit train's default
// job (LeNet-5 'modern', batch 32, Adam, monitor() every 10 steps, wasm with trainkit's kernels),
// alternated round by round. Per-step time is taken between batch events after the first 20
// steps of each run (worker start-up and V8's warm-up of a fresh engine excluded; both are
// reported apart). Set FIT_REPLICAS_ROUNDS=n (default 3), FIT_REPLICAS=n (default 2).
//   npx tsx --conditions=@trainkit/source bench/fit-replicas.ts
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { lenet5 } from '@trainkit/architectures';
import { useFastBackend } from '@trainkit/backend';
import { monitor } from '@trainkit/monitors';
import { adam } from '@trainkit/optimizers';
import { accuracy, fit, softmaxCrossEntropy } from '@trainkit/train';

const BATCH = 32;
const STEPS = 57;
const EPOCHS = 3;
const SKIP = 20;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function run(x: tf.Tensor, y: tf.Tensor, replicas: number) {
  const model = lenet5({ variant: 'modern', inputShape: [28, 28, 1], numClasses: 10 });
  const stamps: number[] = [];
  const t0 = performance.now();
  const r = await fit(
    model,
    { x, y },
    {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
      optimizer: adam({ learningRate: 0.002 }),
      batchSize: BATCH,
      epochs: EPOCHS,
      progress: false,
      replicas,
      listeners: [
        monitor({ every: 10 }),
        { onBatchEnd: () => void stamps.push(performance.now()) },
      ],
    },
  );
  const total = performance.now() - t0;
  model.dispose();
  const steady =
    ((stamps.at(-1) as number) - (stamps[SKIP] as number)) / (stamps.length - 1 - SKIP);
  return { steady, startMs: (stamps[0] as number) - t0, total, replicas: r.replicas };
}

export async function main(): Promise<Record<string, number>> {
  await useFastBackend('wasm');
  const rounds = Number(process.env.FIT_REPLICAS_ROUNDS ?? 3);
  const n = Number(process.env.FIT_REPLICAS ?? 2);
  const x = tf.randomUniform([BATCH * STEPS, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniformInt([BATCH * STEPS], 0, 10, 2), 10));
  const out: Record<number, { steady: number[]; start: number[]; total: number[] }> = {
    1: { steady: [], start: [], total: [] },
    [n]: { steady: [], start: [], total: [] },
  };
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? [n, 1] : [1, n]) {
      const m = await run(x, y, k);
      if (m.replicas !== k) throw new Error(`asked ${k} replicas, ran ${m.replicas}`);
      out[k]?.steady.push(m.steady);
      out[k]?.start.push(m.startMs);
      out[k]?.total.push(m.total);
    }
  }
  const one = median(out[1]?.steady ?? []);
  const res: Record<string, number> = {};
  for (const k of [1, n]) {
    const o = out[k] as { steady: number[]; start: number[]; total: number[] };
    res[k] = median(o.steady);
    console.log(
      `fit-replicas lenet5 CLI job, ${k} ${k === 1 ? 'engine  ' : 'replicas'}: ${median(o.steady).toFixed(2)} ms/step steady (x${(one / median(o.steady)).toFixed(2)} vs one engine), first step after ${median(o.start).toFixed(0)} ms, ${EPOCHS} epochs ${(median(o.total) / 1000).toFixed(2)} s  [${o.steady.map((s) => s.toFixed(1)).join(', ')}]`,
    );
  }
  tf.dispose([x, y]);
  return res;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

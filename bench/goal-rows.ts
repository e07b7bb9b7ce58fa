// Issue 17's goal rows beside PyTorch (2 threads and 1 thread) in the same run, each the median
// of alternated rounds, on the path users get: `useFastBackend()` (what `trainkit train` uses in
// Node; the backend it picks is printed) and trainkit's installed kernels.
//   - ResNet-18 and VGG-16 forward (`model.predict`), 224x224, batch 1 and batch 32 (VGG-16: if
//     its first batch-32 forward takes over 60 s, batch 8 for the rounds, said in the output);
//     PyTorch twin: bench/torch_goal.py (plain torch.nn, parameter counts checked against
//     torchvision's fixture).
//   - the small ResNet training step (batch 64, SGD) through `fit` (one engine, and 2 replicas
//     asked for), ms between batch events after the first 2; PyTorch: apps/cli/python/torch_bench.py.
//   npx tsx --conditions=@trainkit/source goal-rows.ts      (from bench/)
//   GOAL_ROUNDS=n (default 3), GOAL_SKIP_BIG=1 (no batch-32 rows), GOAL_VGG_BATCH=n (force it)
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { resnet, vgg } from '@trainkit/architectures';
import { useFastBackend } from '@trainkit/backend';
import type { TrainingListener } from '@trainkit/core';
import { sgd } from '@trainkit/optimizers';
import { fit, softmaxCrossEntropy } from '@trainkit/train';
import { forwardMacs, smallResNet, trainingFlopsPerImage } from './models';
import { startPython } from './python-worker';

const here = new URL('.', import.meta.url).pathname;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const loadAverage = () => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
};

async function forwardMs(model: tfl.LayersModel, batch: number, reps: number): Promise<number[]> {
  const x = tf.randomUniform([batch, 224, 224, 3]);
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const y = model.predict(x, { batchSize: batch }) as tf.Tensor;
    await y.data();
    out.push(performance.now() - t0);
    y.dispose();
  }
  x.dispose();
  return out;
}

const FIT_STEPS = 8;
/** ms between batch events of one `fit` epoch of FIT_STEPS batches of 64, after the first 2. */
async function fitStepMs(
  model: tfl.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  replicas: number,
): Promise<number[]> {
  const stamps: number[] = [];
  const listener: TrainingListener = {
    onTrainBegin: () => undefined,
    onEpochBegin: () => undefined,
    onBatchEnd: () => {
      stamps.push(performance.now());
    },
    onEpochEnd: () => undefined,
    onTrainEnd: () => undefined,
  };
  await fit(
    model,
    { x, y },
    {
      loss: softmaxCrossEntropy({ fromLogits: true }),
      optimizer: sgd({ learningRate: 0.01 }),
      batchSize: 64,
      epochs: 1,
      shuffle: false,
      progress: false,
      listeners: [listener],
      replicas,
    },
  );
  return stamps.slice(2).map((t, i) => t - (stamps[i + 1] as number));
}

export async function main(): Promise<void> {
  const rounds = Number(process.env.GOAL_ROUNDS ?? 3);
  const info = await useFastBackend();
  console.log(
    `goal rows: useFastBackend() -> ${tf.getBackend()} (${JSON.stringify(info).slice(0, 120)}), node ${process.version}, ${rounds} rounds, load average ${loadAverage()}`,
  );
  const t2 = await startPython(`${here}torch_goal.py`, 2);
  const t1 = await startPython(`${here}torch_goal.py`, 1);
  const s2 = await startPython(`${here}../apps/cli/python/torch_bench.py`, 2);
  const s1 = await startPython(`${here}../apps/cli/python/torch_bench.py`, 1);
  if (typeof t2 === 'string') console.log(`PyTorch: ${t2}`);
  else console.log(`PyTorch ${t2.hello.torch}: ${JSON.stringify(t2.hello.params)} parameters`);

  const nets: Record<string, tfl.LayersModel> = {
    resnet18: resnet({ depth: 18 }),
    vgg16: vgg({ depth: 16 }),
  };
  const gmac: Record<string, number> = {};
  for (const [k, m] of Object.entries(nets)) {
    gmac[k] = forwardMacs(m) / 1e9;
    console.log(
      `${k}: ${m.countParams()} parameters, ${gmac[k]?.toFixed(2)} GMAC per image forward`,
    );
  }
  const batches: [string, number, number][] = [
    ['resnet18', 1, 5],
    ['vgg16', 1, 2],
  ];
  if (!process.env.GOAL_SKIP_BIG) {
    batches.push(['resnet18', 32, 1]);
    let vb = Number(process.env.GOAL_VGG_BATCH ?? 32);
    if (process.env.GOAL_VGG_BATCH === undefined) {
      const first = (await forwardMs(nets.vgg16 as tfl.LayersModel, 32, 1))[0] as number;
      console.log(`VGG-16 batch 32, one forward: ${(first / 1000).toFixed(1)} s`);
      if (first > 60_000) {
        vb = 8;
        console.log('  over 60 s a round: VGG-16 batch 8 instead of 32 for the rounds');
      }
    }
    batches.push(['vgg16', vb, 1]);
  }
  const times: Record<string, number[]> = {};
  const add = (k: string, v: number[]) => {
    times[k] ??= [];
    times[k].push(median(v));
  };
  // Warm-up: one forward of each (XNNPACK operator set-up, V8 tier-up).
  for (const [k, b] of batches) if (b === 1) await forwardMs(nets[k] as tfl.LayersModel, 1, 2);
  const x = tf.randomNormal([64 * FIT_STEPS, 32, 32, 3], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniformInt([64 * FIT_STEPS], 0, 10, 2), 10);
  const small = smallResNet();
  // Training FLOPs of one step: 64 x 6 x forward multiply-adds (as bench/run.ts counts them).
  const smallFlops = trainingFlopsPerImage(small) * 64;
  for (let r = 0; r < rounds; r++) {
    const jobs: (() => Promise<void>)[] = [];
    for (const [k, b, reps] of batches) {
      const key = `${k} forward, batch ${b}`;
      jobs.push(async () =>
        add(`${key} | trainkit`, await forwardMs(nets[k] as tfl.LayersModel, b, reps)),
      );
      if (typeof t2 !== 'string')
        jobs.push(async () => add(`${key} | PyTorch 2 threads`, await t2.ask(`${k} ${b} ${reps}`)));
      if (typeof t1 !== 'string')
        jobs.push(async () => add(`${key} | PyTorch 1 thread`, await t1.ask(`${k} ${b} ${reps}`)));
    }
    const fkey = 'small ResNet step, batch 64';
    jobs.push(async () => add(`${fkey} | trainkit fit, 1 engine`, await fitStepMs(small, x, y, 1)));
    jobs.push(async () =>
      add(`${fkey} | trainkit fit, 2 replicas`, await fitStepMs(small, x, y, 2)),
    );
    if (typeof s2 !== 'string')
      jobs.push(async () =>
        add(`${fkey} | PyTorch 2 threads`, await s2.ask(`resnet ${FIT_STEPS}`)),
      );
    if (typeof s1 !== 'string')
      jobs.push(async () => add(`${fkey} | PyTorch 1 thread`, await s1.ask(`resnet ${FIT_STEPS}`)));
    if (r % 2 === 1) jobs.reverse();
    for (const job of jobs) await job();
    console.log(`  round ${r + 1} done, load average ${loadAverage()}`);
  }
  for (const p of [t1, t2, s1, s2]) if (typeof p !== 'string') p.close();
  console.log(
    `\n| row | trainkit ms | PyTorch 2 threads ms | PyTorch 1 thread ms | vs 2 threads | vs 1 thread | trainkit GFLOP/s | rounds (trainkit) |`,
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const rowsOf = [...new Set(Object.keys(times).map((k) => k.split(' | ')[0] as string))];
  for (const row of rowsOf) {
    const p2 = times[`${row} | PyTorch 2 threads`];
    const p1 = times[`${row} | PyTorch 1 thread`];
    const ref2 = p2 ? median(p2) : undefined;
    const ref1 = p1 ? median(p1) : undefined;
    for (const variant of Object.keys(times).filter((k) => k.startsWith(`${row} | trainkit`))) {
      const v = times[variant] as number[];
      const m = median(v);
      const batch = Number(/batch (\d+)/.exec(row)?.[1]);
      const net = row.split(' ')[0] as string;
      const flops = gmac[net]
        ? 2 * (gmac[net] as number) * 1e9 * batch
        : row.startsWith('small ResNet')
          ? smallFlops
          : undefined;
      const ratio = (ref?: number) => (ref === undefined ? 'n/a' : `${(m / ref).toFixed(2)}x`);
      console.log(
        `| ${row}, ${variant.split(' | ')[1]} | ${m.toFixed(1)} | ${ref2?.toFixed(1) ?? 'n/a'} | ${ref1?.toFixed(1) ?? 'n/a'} | ${ratio(ref2)} | ${ratio(ref1)} | ${flops ? (flops / m / 1e6).toFixed(1) : ''} | ${v.map((t) => t.toFixed(0)).join(', ')} |`,
      );
    }
  }
  console.log(`load average after: ${loadAverage()}`);
  for (const m of [...Object.values(nets), small]) m.dispose();
  tf.dispose([x, y]);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

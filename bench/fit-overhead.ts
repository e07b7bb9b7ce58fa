// Overhead of @trainkit/train's `fit` (a listener on every event, one L2 penalty, NaN guard)
// against a bare `model.trainOnBatch` loop: same model, data, batch size, SGD and backend,
// measured interleaved in the same run. Target: ratio <= 1.10.
//   npx tsx --conditions=@trainkit/source bench/fit-overhead.ts     (FIT_BENCH_ROUNDS=n, FIT_BENCH_BACKEND=wasm,
//    FIT_BENCH_MODELS=mlp,mlp-small)
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Penalty, TrainingListener } from '@trainkit/core';
import { sgd } from '@trainkit/optimizers';
import { fit, softmaxCrossEntropy } from '@trainkit/train';

const BATCH = 64;
const STEPS = 20;
const LAMBDA = 1e-4;

type Build = (reg?: ReturnType<typeof tfl.regularizers.l2>) => tfl.LayersModel;
const all: Record<string, { build: Build; input: number[] }> = {
  mlp: {
    input: [784],
    build: (reg) =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({
            units: 256,
            activation: 'relu',
            inputShape: [784],
            kernelRegularizer: reg,
          }),
          tfl.layers.dense({ units: 10, activation: 'softmax', kernelRegularizer: reg }),
        ],
      }),
  },
  'mlp-small': {
    input: [784],
    build: (reg) =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({
            units: 32,
            activation: 'relu',
            inputShape: [784],
            kernelRegularizer: reg,
          }),
          tfl.layers.dense({ units: 10, activation: 'softmax', kernelRegularizer: reg }),
        ],
      }),
  },
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

// L2 on every kernel, lambda * sum w^2 (the same term is added to the baseline's loss via a kernel regularizer).
const l2: Penalty = (params) =>
  tf.tidy(() => {
    let s = tf.scalar(0);
    for (const [name, w] of Object.entries(params))
      if (name.endsWith('kernel')) s = tf.add(s, tf.sum(tf.square(w)));
    return tf.mul(s, LAMBDA) as tf.Scalar;
  });

/** ms per step of a bare trainOnBatch loop over the same batches fit would slice. */
async function bare(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) {
    const xb = tf.slice(x, i * BATCH, BATCH);
    const yb = tf.slice(y, i * BATCH, BATCH);
    await model.trainOnBatch(xb, yb);
    tf.dispose([xb, yb]);
  }
  return (performance.now() - t0) / STEPS;
}

async function withFit(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  let batches = 0;
  const listener: TrainingListener = {
    onTrainBegin: () => undefined,
    onEpochBegin: () => undefined,
    onBatchEnd: (e) => {
      batches += e.grads ? 1 : 0; // receives loss, grads, updates, params each step
    },
    onEpochEnd: () => undefined,
    onTrainEnd: () => undefined,
  };
  const t0 = performance.now();
  await fit(
    model,
    { x, y },
    {
      loss: softmaxCrossEntropy({ fromLogits: false }),
      optimizer: sgd({ learningRate: 0.01 }),
      penalties: [l2],
      batchSize: BATCH,
      epochs: 1,
      shuffle: false,
      progress: false,
      listeners: [listener],
    },
  );
  if (batches !== STEPS) throw new Error(`expected ${STEPS} batch events, got ${batches}`);
  return (performance.now() - t0) / STEPS;
}

/** Runs the benchmark and returns the ratios (fit / trainOnBatch) per model. */
export async function main(): Promise<Record<string, number>> {
  const backend = process.env.FIT_BENCH_BACKEND ?? 'cpu';
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend);
  await tf.ready();
  const rounds = Number(process.env.FIT_BENCH_ROUNDS ?? 3);
  const out: Record<string, number> = {};
  const names = (process.env.FIT_BENCH_MODELS ?? 'mlp,mlp-small').split(',');
  for (const name of names) {
    const spec = all[name];
    if (!spec) throw new Error(`unknown model ${name}; known: ${Object.keys(all).join(', ')}`);
    const x = tf.randomNormal([BATCH * STEPS, ...spec.input], 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.oneHot(tf.randomUniformInt([BATCH * STEPS], 0, 10, 2), 10));
    // the baseline pays for the same L2 term through tfjs-layers' own kernel regularizer
    const base = spec.build(tfl.regularizers.l2({ l2: LAMBDA }));
    base.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
    const ours = spec.build();
    await bare(base, x, y); // warm-up
    await withFit(ours, x, y);
    const tb: number[] = [];
    const tf_: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        tb.push(await bare(base, x, y));
        tf_.push(await withFit(ours, x, y));
      } else {
        tf_.push(await withFit(ours, x, y));
        tb.push(await bare(base, x, y));
      }
    }
    const ratio = median(tf_) / median(tb);
    out[name] = ratio;
    console.log(
      `fit-overhead ${name} [${backend}] batch ${BATCH}: trainOnBatch ${median(tb).toFixed(2)} ms/step, ` +
        `fit (events + L2) ${median(tf_).toFixed(2)} ms/step, ratio ${ratio.toFixed(3)} (target <= 1.10)`,
    );
    base.dispose();
    ours.dispose();
    tf.dispose([x, y]);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

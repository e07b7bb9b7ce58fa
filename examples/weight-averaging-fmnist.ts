// EMA, SWA and ensembles against the single final model: LeNet-5 with batch normalization on the
// full Fashion-MNIST (60k train, 10k test), two short SGD runs on wasm with trainkit's kernels.
//   npx tsx --conditions=@trainkit/source examples/weight-averaging-fmnist.ts
//   FMNIST_DIR=/path/to/fashion-mnist EPOCHS=4 BACKEND=wasm
// Run A: SGD + Nesterov at 0.05, then swaSchedule anneals to 0.01 for the last EPOCHS/3 epochs,
// over which stochastic weight averaging takes the weights every 50 steps; an EMA (0.999) of the
// weights runs all along; weightSnapshots keeps the weights after each of the last two epochs.
// Run B (another seed): the conventional recipe, cosine decay from 0.05 to 0, with an EMA too.
// Batch-norm statistics are re-estimated (recomputeStatistics, 10,000 training images) for every
// averaged weight vector; the final models keep their own moving averages.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useFastBackend } from '@trainkit/backend';
import { batchNormalization, recomputeStatistics } from '@trainkit/batchnorm';
import { Rng } from '@trainkit/core';
import { type Dataset, pixelNormalization } from '@trainkit/data';
import { fashionMnist } from '@trainkit/data/node';
import { cosineDecay, sgd, swaSchedule } from '@trainkit/optimizers';
import {
  accuracy,
  type Ensemble,
  evaluate,
  exponentialMovingAverage,
  fit,
  predictionEnsemble,
  snapshotEnsemble,
  softmaxCrossEntropy,
  stochasticWeightAveraging,
  type WeightAverage,
  weightSnapshots,
} from '@trainkit/train';

const here = new URL('.', import.meta.url).pathname;
const dir = process.env.FMNIST_DIR ?? join(here, '..', '..', 'shared', 'data', 'fashion-mnist');
if (!existsSync(dir)) {
  console.error(`Fashion-MNIST not found in ${dir}; set FMNIST_DIR`);
  process.exit(1);
}
const EPOCHS = Number(process.env.EPOCHS ?? 4);
const BATCH = 64;
const info = await useFastBackend((process.env.BACKEND ?? 'wasm') as 'wasm' | 'cpu');
console.log(`backend ${info.name}, ${EPOCHS} epochs per run, batch ${BATCH}`);

const loaded = await fashionMnist({ dir, download: false });
const unit = pixelNormalization({ mode: 'unit', maxValue: 255 });
const train = loaded.train.normalize(unit);
const testT = loaded.test.normalize(unit).toTensors();
const stepsPerEpoch = Math.ceil(train.size / BATCH);
// 10,000 training images for re-estimating batch-norm statistics
const bnImages = train.subset(new Rng(7).permutation(train.size).subarray(0, 10000));

function lenet5BN(seed: number): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.heNormal({ seed: seed * 10 + k });
  const conv = (filters: number, padding: 'same' | 'valid', k: number) =>
    tfl.layers.conv2d({
      filters,
      kernelSize: 5,
      padding,
      useBias: false,
      kernelInitializer: init(k),
    });
  return tfl.sequential({
    layers: [
      tfl.layers.inputLayer({ inputShape: [28, 28, 1] }),
      conv(6, 'same', 1),
      batchNormalization({}),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      conv(16, 'valid', 2),
      batchNormalization({}),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({
        filters: 120,
        kernelSize: 5,
        activation: 'relu',
        kernelInitializer: init(3),
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 84, activation: 'relu', kernelInitializer: init(4) }),
      tfl.layers.dense({ units: 10, kernelInitializer: init(5) }), // logits
    ],
  });
}

const metrics = [accuracy()];
const loss = softmaxCrossEntropy();
const results: { name: string; acc: number; loss: number }[] = [];
async function record(name: string, logs: { acc?: number; loss?: number }): Promise<void> {
  results.push({ name, acc: logs.acc ?? Number.NaN, loss: logs.loss ?? Number.NaN });
  console.log(
    `${name}: test acc ${(100 * (logs.acc ?? 0)).toFixed(2)}%, loss ${logs.loss?.toFixed(4)}`,
  );
}

async function* bnBatches(ds: Dataset): AsyncGenerator<tf.Tensor> {
  for await (const b of ds.batches(500, { keep: true })) {
    b.y.dispose();
    yield b.x;
    b.x.dispose();
  }
}

/** Evaluates `avg`'s weights with re-estimated BN statistics, then puts the model back as it was. */
async function evaluateAverage(model: tfl.LayersModel, avg: WeightAverage, name: string) {
  const saved = model.getWeights().map((w) => tf.clone(w)); // BN statistics included
  avg.applyTo();
  await recomputeStatistics(model, bnBatches(bnImages));
  await record(name, await evaluate(model, testT, { loss, metrics }));
  avg.restore();
  model.setWeights(saved);
  tf.dispose(saved);
}

async function run(seed: number, swa: boolean) {
  const model = lenet5BN(seed);
  const swaEpochs = Math.max(1, Math.round(EPOCHS / 3));
  const swaStart = EPOCHS - swaEpochs;
  const lr = swa
    ? swaSchedule({
        schedule: 0.05,
        start: swaStart * stepsPerEpoch,
        swaLearningRate: 0.01,
        annealSteps: Math.round(stepsPerEpoch / 2),
      })
    : cosineDecay({ initialValue: 0.05, decaySteps: EPOCHS * stepsPerEpoch });
  const ema = exponentialMovingAverage({ decay: 0.999 });
  const averager = swa
    ? stochasticWeightAveraging({ startEpoch: swaStart, everySteps: 50 })
    : undefined;
  const snaps = weightSnapshots({ model, startEpoch: Math.max(0, EPOCHS - 2) }); // the last two epochs
  const rng = new Rng(seed);
  const t0 = performance.now();
  await fit(model, () => train.batches(BATCH, { shuffle: true, rng, keep: true }), {
    loss,
    metrics,
    optimizer: sgd({ learningRate: lr, momentum: 0.9, nesterov: true }),
    epochs: EPOCHS,
    listeners: [
      ema,
      ...(averager ? [averager] : []),
      snaps,
      {
        onEpochEnd: ({ epoch, logs }) =>
          console.log(
            `  run ${swa ? 'A' : 'B'} epoch ${epoch + 1}: loss ${logs.loss?.toFixed(4)} acc ${logs.acc?.toFixed(4)} ` +
              `(${((performance.now() - t0) / 1000 / (epoch + 1)).toFixed(0)} s/epoch)`,
          ),
      },
    ],
  });
  const tag = swa ? 'A (SWA recipe)' : 'B (cosine to 0)';
  await record(`${tag}: final model`, await evaluate(model, testT, { loss, metrics }));
  await evaluateAverage(model, ema, `${tag}: EMA 0.999`);
  if (averager)
    await evaluateAverage(model, averager, `${tag}: SWA (${averager.count} weight vectors)`);
  const ensemble = snapshotEnsemble(model, snaps.snapshots, { output: 'logits' });
  await record(
    `${tag}: snapshot ensemble, epochs ${snaps.epochs.map((e) => e + 1).join('/')}`,
    await ensemble.evaluate(testT, { metrics }),
  );
  ema.dispose();
  averager?.dispose();
  return { model, snaps, ensemble };
}

const t0 = performance.now();
const a = await run(1, true);
const b = await run(2, false);
await record(
  'ensemble of the final models A + B',
  await predictionEnsemble([a.model, b.model], { output: 'logits' }).evaluate(testT, { metrics }),
);
const both: Ensemble = predictionEnsemble(
  [(x) => a.ensemble.predict(x), (x) => b.ensemble.predict(x)],
  { output: 'probabilities' },
);
await record('ensemble of all snapshots of A and B', await both.evaluate(testT, { metrics }));
console.log(`\n| model | test accuracy | test loss |\n|---|---|---|`);
for (const r of results)
  console.log(`| ${r.name} | ${(100 * r.acc).toFixed(2)}% | ${r.loss.toFixed(4)} |`);
console.log(
  `total ${((performance.now() - t0) / 1000).toFixed(0)} s on ${info.name} (${tf.memory().numTensors} tensors alive)`,
);
a.snaps.dispose();
b.snaps.dispose();

// The train/validation gap of an over-fitting CNN on a small Fashion-MNIST subset, without and
// with regularization (SeededDropout + L2 + max-norm + flip/crop augmentation), trained with
// @trainkit/train's `fit`; numbers go in packages/regularizers/README.md.
//   npx tsx --conditions=@trainkit/source examples/regularization-gap.ts
//   FMNIST_DIR=/path/to/fashion-mnist TRAIN=2000 EPOCHS=20 BACKEND=wasm
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useFastBackend } from '@trainkit/backend';
import { Rng } from '@trainkit/core';
import { pixelNormalization } from '@trainkit/data';
import { fashionMnist } from '@trainkit/data/node';
import { adam } from '@trainkit/optimizers';
import {
  augment,
  l2,
  maxNorm,
  randomCrop,
  randomFlip,
  SeededDropout,
} from '@trainkit/regularizers';
import { accuracy, fit, softmaxCrossEntropy } from '@trainkit/train';

const here = new URL('.', import.meta.url).pathname;
const dir = process.env.FMNIST_DIR ?? join(here, '..', '..', 'shared', 'data', 'fashion-mnist');
if (!existsSync(dir)) {
  console.error(`Fashion-MNIST not found in ${dir}; set FMNIST_DIR`);
  process.exit(1);
}
const nTrain = Number(process.env.TRAIN ?? 2000);
const epochs = Number(process.env.EPOCHS ?? 20);
const info = await useFastBackend((process.env.BACKEND ?? 'wasm') as 'wasm' | 'cpu');

const loaded = await fashionMnist({ dir, download: false });
const unit = pixelNormalization({ mode: 'unit', maxValue: 255 });
const pick = (n: number, seed: number) => new Rng(seed).permutation(n);
const train = loaded.train.normalize(unit).subset(pick(loaded.train.size, 1).slice(0, nTrain));
const val = loaded.test.normalize(unit).subset(pick(loaded.test.size, 2).slice(0, 2000));

function model(regularized: boolean): tfl.Sequential {
  const drop = (rate: number, seed: number) =>
    regularized ? [new SeededDropout({ rate, seed })] : [];
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 32,
        kernelSize: 3,
        activation: 'relu',
        padding: 'same',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      ...drop(0.25, 1),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 256, activation: 'relu' }),
      ...drop(0.5, 2),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

async function run(regularized: boolean) {
  const m = model(regularized);
  const rng = new Rng(42);
  const aug = augment([randomCrop({ padding: 2, rng: 3 }), randomFlip({ rng: 4 })]);
  async function* trainBatches() {
    for await (const b of train.batches(64, { shuffle: true, rng, keep: true })) {
      if (!regularized) {
        yield b;
        continue;
      }
      const x = aug(b.x as tf.Tensor4D);
      b.x.dispose();
      yield { x, y: b.y };
    }
  }
  const t0 = performance.now();
  const { history } = await fit(m, trainBatches, {
    loss: softmaxCrossEntropy(),
    metrics: [accuracy()],
    optimizer: adam({ learningRate: 1e-3 }),
    epochs,
    validationData: () => val.batches(500, { keep: true }),
    penalties: regularized ? [l2({ lambda: 5e-4, convention: 'half' })] : [],
    constraints: regularized ? [maxNorm({ maxValue: 3 })] : [],
    progress: false,
  });
  const last = history[history.length - 1]!;
  // Train accuracy of the final weights on un-augmented data, without dropout.
  const { evaluate } = await import('@trainkit/train');
  const onTrain = await evaluate(m, () => train.batches(500, { keep: true }), {
    loss: softmaxCrossEntropy(),
    metrics: [accuracy()],
  });
  const s = (performance.now() - t0) / 1000;
  m.dispose();
  return { trainAcc: onTrain.acc ?? 0, valAcc: last.val_acc ?? 0, valLoss: last.val_loss ?? 0, s };
}

console.log(`backend ${info.name}; ${nTrain} training images, 2000 validation, ${epochs} epochs`);
for (const regularized of [false, true]) {
  const r = await run(regularized);
  console.log(
    `${regularized ? 'dropout+L2+max-norm+augmentation' : 'plain'}: train acc ${(100 * r.trainAcc).toFixed(1)}%, ` +
      `val acc ${(100 * r.valAcc).toFixed(1)}%, gap ${(100 * (r.trainAcc - r.valAcc)).toFixed(1)} points, ` +
      `val loss ${r.valLoss.toFixed(3)} (${r.s.toFixed(0)} s)`,
  );
}

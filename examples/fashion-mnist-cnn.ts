// A small CNN trained with @trainkit/train's `fit` on the full Fashion-MNIST (60k train,
// 10k test) to >= 88% test accuracy. Runs on wasm with trainkit's fast kernels (or `cpu`).
//   npx tsx --conditions=@trainkit/source examples/fashion-mnist-cnn.ts
//   FMNIST_DIR=/path/to/fashion-mnist EPOCHS=4 BACKEND=wasm
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';
import { useFastBackend } from '@trainkit/backend';
import { Rng } from '@trainkit/core';
import { pixelNormalization } from '@trainkit/data';
import { fashionMnist } from '@trainkit/data/node';
import { adam } from '@trainkit/optimizers';
import { accuracy, evaluate, fit, softmaxCrossEntropy } from '@trainkit/train';

const here = new URL('.', import.meta.url).pathname;
const dir = process.env.FMNIST_DIR ?? join(here, '..', '..', 'shared', 'data', 'fashion-mnist');
if (!existsSync(dir)) {
  console.error(
    `Fashion-MNIST not found in ${dir}; set FMNIST_DIR to the folder with the four .gz files`,
  );
  process.exit(1);
}
const epochs = Number(process.env.EPOCHS ?? 4);
const info = await useFastBackend((process.env.BACKEND ?? 'wasm') as 'wasm' | 'cpu');
console.log(`backend ${info.name}`);

const loaded = await fashionMnist({ dir, download: false });
// Pixels scaled to [0, 1] on the host; the 60k images stay in JS memory and only batches become
// tensors (fit owns and disposes them: `keep: true`). A fresh iterable per epoch; the passed
// Rng advances, so each epoch has its own seeded order.
const unit = pixelNormalization({ mode: 'unit', maxValue: 255 });
const train = loaded.train.normalize(unit);
const test = loaded.test.normalize(unit);
const rng = new Rng(42);
const trainBatches = () => train.batches(64, { shuffle: true, rng, keep: true });
const testBatches = () => test.batches(500, { keep: true });

const model = tfl.sequential({
  layers: [
    tfl.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 16,
      kernelSize: 3,
      activation: 'relu',
      padding: 'same',
    }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 64, activation: 'relu' }),
    tfl.layers.dense({ units: 10 }), // logits
  ],
});

const t0 = performance.now();
const { history } = await fit(model, trainBatches, {
  loss: softmaxCrossEntropy(), // from logits
  metrics: [accuracy()],
  optimizer: adam({ learningRate: 1e-3 }),
  epochs,
  validationData: testBatches,
  listeners: [
    {
      onEpochEnd: ({ epoch, logs }) =>
        console.log(
          `epoch ${epoch + 1}: loss ${logs.loss?.toFixed(4)} acc ${logs.acc?.toFixed(4)} ` +
            `test_loss ${logs.val_loss?.toFixed(4)} test_acc ${logs.val_acc?.toFixed(4)}`,
        ),
    },
  ],
});
const seconds = (performance.now() - t0) / 1000;
const final = await evaluate(model, testBatches, {
  loss: softmaxCrossEntropy(),
  metrics: [accuracy()],
});
console.log(
  `Fashion-MNIST small CNN: test accuracy ${(100 * (final.acc ?? 0)).toFixed(2)}% after ${history.length} epochs ` +
    `in ${seconds.toFixed(0)} s on ${info.name} (${(seconds / history.length).toFixed(0)} s/epoch)`,
);
model.dispose();

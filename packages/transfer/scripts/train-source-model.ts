/**
 * Trains the project's own source model for transfer tests and the experiment: a small CNN on
 * Fashion-MNIST classes 0-4 (T-shirt/top, Trouser, Pullover, Dress, Coat), all 30,000 training
 * images of those classes, and saves it to fixtures/fashion04-cnn/ (model.json + weights.bin)
 * with a record of the run (training.json).
 *
 *   npx --yes pnpm@10.34.8 --filter @trainkit/transfer train-source-model [fashion-mnist dir]
 *
 * Seed 904 (weight initializers and shuffling); wasm backend with @trainkit/backend's kernels.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useFastBackend } from '@trainkit/backend';
import { adam } from '@trainkit/optimizers';
import { sharedDir } from '@trainkit/test-utils';
import { accuracy, evaluate, fit, softmaxCrossEntropy } from '@trainkit/train';
import { saveModelToPath } from '../src/node';
import { readIdxImages, selectByClass, toTensors } from './data';

export const SOURCE_SEED = 904;
export const SOURCE_CLASSES = [0, 1, 2, 3, 4];
const EPOCHS = Number(process.env.EPOCHS ?? 3);

/** The source CNN: 3 conv blocks (8, 16, 32 filters) and a 64-unit code layer; ~30k parameters. */
export function fashionSourceCnn(seed = SOURCE_SEED, numClasses = 5): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.heNormal({ seed: seed + k });
  return tfl.sequential({
    name: 'fashion04_cnn',
    layers: [
      tfl.layers.conv2d({
        name: 'conv1',
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tfl.layers.conv2d({
        name: 'conv2',
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
      tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
      tfl.layers.conv2d({
        name: 'conv3',
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(3),
      }),
      tfl.layers.maxPooling2d({ name: 'pool3', poolSize: 2 }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({
        name: 'codes',
        units: 64,
        activation: 'relu',
        kernelInitializer: init(4),
      }),
      tfl.layers.dense({
        name: 'logits',
        units: numClasses,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 5 }),
      }),
    ],
  });
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? sharedDir('data/fashion-mnist');
  if (!dir) throw new Error('pass the Fashion-MNIST directory (or put it in ../shared/data)');
  const backend = await useFastBackend('wasm');
  const trainSet = readIdxImages(dir, 'train');
  const testSet = readIdxImages(dir, 't10k');
  const train = toTensors(trainSet, selectByClass(trainSet.labels, SOURCE_CLASSES), SOURCE_CLASSES);
  const test = toTensors(testSet, selectByClass(testSet.labels, SOURCE_CLASSES), SOURCE_CLASSES);
  const model = fashionSourceCnn();
  const loss = softmaxCrossEntropy();
  const t0 = performance.now();
  const result = await fit(model, train, {
    loss,
    metrics: [accuracy()],
    optimizer: adam({ learningRate: 1e-3 }),
    epochs: EPOCHS,
    batchSize: 64,
    rng: SOURCE_SEED,
    progress: false,
  });
  const seconds = (performance.now() - t0) / 1000;
  const scores = await evaluate(model, test, { loss, metrics: [accuracy()] });
  const out = join(import.meta.dirname, '..', 'fixtures', 'fashion04-cnn');
  await saveModelToPath(model, out);
  const record = {
    command: 'npx --yes pnpm@10.34.8 --filter @trainkit/transfer train-source-model',
    seed: SOURCE_SEED,
    classes: SOURCE_CLASSES,
    data: 'Fashion-MNIST train-images-idx3-ubyte.gz, all 30,000 images of classes 0-4',
    backend: backend.name,
    optimizer: 'adam 1e-3, batch 64',
    epochs: EPOCHS,
    params: model.countParams(),
    trainSeconds: Math.round(seconds),
    trainAccuracy: result.history.at(-1)?.acc,
    testAccuracy: scores.acc,
    testImages: test.y.shape[0],
  };
  writeFileSync(join(out, 'training.json'), `${JSON.stringify(record, null, 2)}\n`);
  console.log(record);
  tf.dispose([train.x, train.y, test.x, test.y]);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e));
  process.exit(1);
});

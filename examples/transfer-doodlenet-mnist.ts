/**
 * Small + similar transfer (CS231n, "Transfer Learning"): DoodleNet (QuickDraw doodles) -> MNIST
 * digits with 100 labelled images per class. Compares (a) a linear softmax on the top codes
 * ('dense', 512-d), (b) a linear softmax on earlier codes ('max_pooling2d_1', 7x7x32), (c)
 * fine-tuning all layers with the base at 0.1x the head learning rate, (d) the same CNN trained
 * from scratch; prints test accuracy and wall time, and the advisor's choice.
 *
 *   npx tsx --conditions=@trainkit/source examples/transfer-doodlenet-mnist.ts [models/doodlenet] [data/mnist-test]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useFastBackend } from '@trainkit/backend';
import { adam } from '@trainkit/optimizers';
import { accuracy, evaluate, fit, softmaxCrossEntropy } from '@trainkit/train';
import { extractFeatures, fineTune, recommendStrategy } from '@trainkit/transfer';
import { loadModelFromPath } from '@trainkit/transfer/node';
import { sharedDir } from './shared-dir';

const PER_CLASS = 100;
const TEST = 2000;
const modelDir = process.argv[2] ?? sharedDir('models/doodlenet');
const dataDir = process.argv[3] ?? sharedDir('data/mnist-test');
if (!modelDir || !dataDir) throw new Error('pass the DoodleNet and MNIST-test directories');
await useFastBackend(); // Node: wasm + trainkit's training kernels

const images = gunzipSync(readFileSync(join(dataDir, 't10k-images-idx3-ubyte.gz'))).subarray(16);
const labels = gunzipSync(readFileSync(join(dataDir, 't10k-labels-idx1-ubyte.gz'))).subarray(8);
// first PER_CLASS of each digit from the first 5000 images train; images 5000.. test
const trainIdx: number[] = [];
const count = new Array(10).fill(0);
for (let i = 0; i < 5000; i++) {
  const c = labels[i]!;
  if (count[c] < PER_CLASS) {
    count[c]++;
    trainIdx.push(i);
  }
}
const testIdx = Array.from({ length: TEST }, (_, k) => 5000 + k);
const take = (idx: number[]) => {
  const x = new Float32Array(idx.length * 784);
  idx.forEach((i, k) => {
    for (let p = 0; p < 784; p++) x[k * 784 + p] = images[i * 784 + p]! / 255;
  });
  return {
    x: tf.tensor4d(x, [idx.length, 28, 28, 1]),
    y: tf.tensor1d(
      idx.map((i) => labels[i]!),
      'int32',
    ),
  };
};
const train = take(trainIdx);
const test = take(testIdx);
const loss = softmaxCrossEntropy();
const metrics = [accuracy()];

async function linearOnCodes(layer: string): Promise<number> {
  const net = await loadModelFromPath(modelDir!);
  const cTrain = extractFeatures(net, train.x, { layer });
  const cTest = extractFeatures(net, test.x, { layer });
  const head = tfl.sequential({
    layers: [tfl.layers.dense({ units: 10, inputShape: [cTrain.shape[1]] })],
  });
  await fit(
    head,
    { x: cTrain, y: train.y },
    {
      loss,
      optimizer: adam({ learningRate: 1e-3 }),
      epochs: 40,
      batchSize: 50,
      progress: false,
    },
  );
  const logs = await evaluate(head, { x: cTest, y: test.y }, { loss, metrics });
  tf.dispose([cTrain, cTest]);
  return logs.acc as number;
}

async function fineTuneAll(): Promise<number> {
  const net = await loadModelFromPath(modelDir!);
  const { model } = await fineTune(net, train, {
    numClasses: 10,
    headLr: 1e-3,
    baseLrMultiplier: 0.1,
    epochs: 10,
    batchSize: 50,
  });
  return (await evaluate(model, test, { loss, metrics })).acc as number;
}

async function scratch(): Promise<number> {
  const net = await loadModelFromPath(modelDir!);
  // same architecture, fresh weights: clone the topology
  const fresh = await tfl.models.modelFromJSON({
    modelTopology: net.toJSON(null, false) as Exclude<ReturnType<typeof net.toJSON>, string>,
  });
  const { model } = await fineTune(fresh, train, {
    numClasses: 10,
    headLr: 1e-3,
    baseLrMultiplier: 1,
    epochs: 10,
    batchSize: 50,
  });
  return (await evaluate(model, test, { loss, metrics })).acc as number;
}

const rows: [string, () => Promise<number>][] = [
  ['(a) linear on top codes (dense)', () => linearOnCodes('dense')],
  ['(b) linear on earlier codes (max_pooling2d_1)', () => linearOnCodes('max_pooling2d_1')],
  ['(c) fine-tune all, base lr x0.1', fineTuneAll],
  ['(d) from scratch', scratch],
];
const net = await loadModelFromPath(modelDir);
const plan = recommendStrategy({ targetSize: PER_CLASS, similarity: 'similar', model: net });
console.log(
  `DoodleNet -> MNIST, ${PER_CLASS}/class train, ${TEST} test; advisor: ${plan.strategy} (${plan.layerName})`,
);
for (const [name, run] of rows) {
  const t0 = performance.now();
  const acc = await run();
  console.log(
    `${name.padEnd(48)} acc ${(acc * 100).toFixed(1)}%  ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

// Run from packages/data after `npx tsup`:  node examples/quickstart.mjs
// Loads the embedded Fashion-MNIST subset, normalises it, splits off a stratified validation set
// and trains a softmax-regression classifier for 3 epochs on the tfjs CPU backend.
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradients; tfjs-layers registers them.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';
import { pixelNormalization, splitDataset } from '@trainkit/data';
import { embeddedFashionMnist } from '@trainkit/data/node';

await tf.setBackend('cpu');
const { train: all, test } = await embeddedFashionMnist();
const norm = pixelNormalization({ mode: 'unit' });
const { train, validation } = splitDataset(all.normalize(norm), {
  validation: 0.1,
  stratify: true,
  rng: 0,
});
console.log(
  `train ${train.size}, validation ${validation.size}, test ${test.size}; histogram ${train.histogram()}`,
);

const w = tf.variable(tf.zeros([784, 10]));
const b = tf.variable(tf.zeros([10]));
const logits = (x) => tf.add(tf.matMul(tf.reshape(x, [-1, 784]), w), b);
const optimizer = tf.train.sgd(0.1);
const rng = new Rng(42);

const accuracy = (ds) =>
  tf.tidy(() => {
    const { x, y } = ds.toTensors();
    const acc = tf.mean(tf.cast(tf.equal(tf.argMax(logits(x), 1), y), 'float32')).dataSync()[0];
    tf.dispose([x, y]);
    return acc;
  });

for (let epoch = 1; epoch <= 3; epoch++) {
  let lossSum = 0;
  let steps = 0;
  // Each batch is disposed by the iterator when the next one is requested.
  for await (const { x, y } of train.batches(64, { shuffle: true, rng, oneHot: true })) {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, logits(x)), true);
    lossSum += (await loss.data())[0];
    loss.dispose();
    steps++;
  }
  console.log(
    `epoch ${epoch}: loss ${(lossSum / steps).toFixed(4)}, validation accuracy ${accuracy(validation).toFixed(3)}`,
  );
}
console.log(
  `test accuracy ${accuracy(test.normalize(norm)).toFixed(3)}; live tensors ${tf.memory().numTensors}`,
);

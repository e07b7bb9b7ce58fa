// Run from packages/regularizers after `npx tsup`:  node examples/quickstart.mjs
// The README example: a penalty, a constraint, seeded dropout, an augmentation pipeline and
// early stopping, on the tfjs CPU backend.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers gradients
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';
import {
  augment,
  cutout,
  dropout,
  earlyStopping,
  l2,
  maxNorm,
  randomCrop,
  randomFlip,
} from '@trainkit/regularizers';

await tf.setBackend('cpu');
const params = {
  'dense_1/kernel': tf.variable(tf.randomNormal([4, 3], 0, 2, 'float32', 1)),
  'dense_1/bias': tf.variable(tf.zeros([3])),
};

// 0.5 * 1e-3 * ||W||^2 over kernels only (the bias is skipped by the default pattern).
const penalty = l2({ lambda: 1e-3, convention: 'half' });
const reg = penalty(params);

// Max-norm after an update: every output unit's incoming weight vector gets norm <= 3.
const c = maxNorm({ maxValue: 3 });
tf.tidy(() => params['dense_1/kernel'].assign(c(params['dense_1/kernel'], 'dense_1/kernel')));
const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(params['dense_1/kernel']), 0)).arraySync());

// Inverted dropout with a seeded mask (a new mask per call from the same Rng).
const rng = new Rng(0);
const h = dropout(tf.ones([2, 8]), { rate: 0.5, rng });

// A per-batch augmentation pipeline, reproducible from its seeds.
const aug = augment([
  randomCrop({ padding: 4, rng: 1 }),
  randomFlip({ rng: 2 }),
  cutout({ size: 8, rng: 3 }),
]);
const images = tf.randomUniform([16, 28, 28, 1]);
const batch = aug(images);

// Early stopping as a listener for @trainkit/train's fit (or any loop that emits the events).
const stop = earlyStopping({ monitor: 'val_loss', patience: 3, minDelta: 1e-3 });

console.log('l2 penalty:', reg.dataSync()[0]);
console.log('unit norms after maxNorm(3):', norms.map((n) => n.toFixed(3)).join(', '));
console.log('dropout output:', [...h.dataSync()].join(' '));
console.log('augmented batch:', batch.shape.join('x'));
console.log('early stopping:', JSON.stringify(stop.toJSON()));
tf.dispose([reg, h, images, batch, ...Object.values(params)]);

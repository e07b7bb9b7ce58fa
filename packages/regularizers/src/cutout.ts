import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, type RngState } from '@trainkit/core';
import { type Augmentation, makeAugmentation } from './augmentation';
import { type RngOption, takeRng } from './rng-option';

export interface CutoutOptions {
  /** Side of the square, in pixels (integer >= 1). */
  size: number;
  /** Value written into the square. Default 0. */
  fillValue?: number;
  /** Probability of applying it to an image, in [0, 1]. Default 1. */
  p?: number;
  /** Seed or generator. Default seed 0. */
  rng?: RngOption | RngState;
}

/**
 * Cutout (DeVries & Taylor 2017): fills a `size x size` square (all channels) centred at a
 * uniformly random pixel of each image; the square may extend past the border, as in the paper.
 * The mask is built on the backend from row/column comparisons (no per-pixel JS).
 * @example const cut = cutout({ size: 8, rng: 0 });
 */
export function cutout(options: CutoutOptions): Augmentation {
  const size = assertNumber('size', options?.size, { min: 1, integer: true });
  const fillValue = assertNumber('fillValue', options.fillValue ?? 0);
  const p = assertNumber('p', options.p ?? 1, { min: 0, max: 1 });
  const { rng, json } = takeRng(options.rng);
  return makeAugmentation(
    'regularizers.cutout',
    (x) => {
      const [n, h, w] = x.shape;
      const y0 = new Float32Array(n);
      const x0 = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const on = rng.next() < p;
        const cy = rng.int(0, h);
        const cx = rng.int(0, w);
        // An image that is skipped gets an empty box far outside.
        y0[i] = on ? cy - Math.floor(size / 2) : -2 * size - h;
        x0[i] = on ? cx - Math.floor(size / 2) : -2 * size - w;
      }
      const top = tf.tensor4d(y0, [n, 1, 1, 1]);
      const left = tf.tensor4d(x0, [n, 1, 1, 1]);
      const rows = tf.reshape(tf.range(0, h, 1, 'float32'), [1, h, 1, 1]);
      const cols = tf.reshape(tf.range(0, w, 1, 'float32'), [1, 1, w, 1]);
      const inRows = tf.logicalAnd(tf.greaterEqual(rows, top), tf.less(rows, tf.add(top, size)));
      const inCols = tf.logicalAnd(tf.greaterEqual(cols, left), tf.less(cols, tf.add(left, size)));
      const box = tf.logicalAnd(inRows, inCols); // [n, h, w, 1]
      return tf.where(tf.broadcastTo(box, x.shape), tf.fill(x.shape, fillValue), x);
    },
    () => ({ kind: 'regularizers.cutout', version: 1, size, fillValue, p, rng: json }),
  );
}

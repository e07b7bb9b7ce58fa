import * as tf from '@tensorflow/tfjs-core';
import { assertRank } from '@trainkit/core';
import { assertTensor } from './input';

/**
 * NHWC images `[N, H, W, C]` as rows of pixels `[N, H*W*C]` (what PCA and Whiten fit on).
 * @example const rows = flattenImages(images); // [N, 3072] for CIFAR
 */
export function flattenImages(images: tf.Tensor): tf.Tensor2D {
  const x = assertTensor('images', images);
  assertRank('images', x.shape, 4);
  return tf.reshape(x, [x.shape[0], -1]);
}

/**
 * Rows of pixels `[N, H*W*C]` back to images `[N, H, W, C]`.
 * @example const imgs = unflattenImages(rows, [32, 32, 3]);
 */
export function unflattenImages(
  rows: tf.Tensor,
  imageShape: [number, number, number],
): tf.Tensor4D {
  const x = assertTensor('rows', rows);
  assertRank('rows', x.shape, 2);
  return tf.reshape(x, [x.shape[0], ...imageShape]);
}

/**
 * Per-image standardisation, stateless: each image minus its own mean, divided by
 * `max(std, 1 / sqrt(H*W*C))` (the guard of TensorFlow's `per_image_standardization`, so a flat
 * image maps to zeros). Removes per-image brightness and contrast; nothing to fit.
 * @example const z = perImageStandardize(images); // [N, H, W, C]
 */
export function perImageStandardize(images: tf.Tensor): tf.Tensor {
  const x = assertTensor('images', images);
  assertRank('images', x.shape, [2, 3, 4]);
  const axes = x.shape.map((_, i) => i).slice(1);
  const size = x.shape.slice(1).reduce((a, b) => a * b, 1);
  return tf.tidy(() => {
    const mu = tf.mean(x, axes, true);
    const d = tf.sub(x, mu);
    const sigma = tf.sqrt(tf.mean(tf.mul(d, d), axes, true));
    return tf.div(d, tf.maximum(sigma, 1 / Math.sqrt(size)));
  });
}

import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertRank } from '@trainkit/core';
import { assertTensor } from './input';

export interface PerImageWhitenOptions {
  /**
   * Added to the eigenvalues of each image's channel covariance (variance units of the pixels)
   * before the inverse square root: caps the noise gain at `1/sqrt(epsilon)`. Default `1e-5`.
   */
  epsilon?: number;
  /** Newton-Schulz iterations (each one batched C x C matMuls). Default 40. */
  iterations?: number;
}

/**
 * Per-image ZCA whitening of NHWC images, stateless: each image's pixels (H*W samples of C
 * channels) are centred by the image's own channel means and multiplied by `(S + eps I)^(-1/2)`,
 * `S` the image's C x C channel covariance (ddof 1). All on the backend: the inverse square root
 * is the coupled Newton-Schulz iteration (Higham 2008, "Functions of Matrices", eq. 6.35) on
 * `A / ||A||_F`, which converges because every eigenvalue lies in (0, 1].
 * For dataset-level whitening fit a {@link Whiten}.
 *
 * @example const white = perImageWhiten(images, { epsilon: 1e-3 }); // [N, H, W, C]
 */
export function perImageWhiten(
  images: tf.Tensor,
  options: PerImageWhitenOptions = {},
): tf.Tensor4D {
  const x = assertTensor('images', images);
  assertRank('images', x.shape, 4);
  const epsilon = assertNumber('epsilon', options.epsilon ?? 1e-5, { min: 0 });
  const iterations = assertNumber('iterations', options.iterations ?? 40, {
    min: 1,
    integer: true,
  });
  const [n, h, w, c] = x.shape as [number, number, number, number];
  assertNumber('images pixels per image (H*W)', h * w, { min: 2 });
  return tf.tidy(() => {
    const pixels = tf.reshape(x, [n, h * w, c]);
    const d = tf.sub(pixels, tf.mean(pixels, 1, true));
    const eye = tf.reshape(tf.eye(c), [1, c, c]);
    const s = tf.add(tf.div(tf.matMul(d, d, true, false), h * w - 1), tf.mul(eye, epsilon));
    const norm = tf.sqrt(tf.sum(tf.mul(s, s), [1, 2], true)); // ||S||_F >= largest eigenvalue
    let y: tf.Tensor = tf.div(s, norm);
    let z: tf.Tensor = tf.tile(eye, [n, 1, 1]);
    const three = tf.mul(eye, 3);
    for (let k = 0; k < iterations; k++) {
      const t = tf.mul(tf.sub(three, tf.matMul(z, y)), 0.5);
      y = tf.matMul(y, t);
      z = tf.matMul(t, z);
    }
    const inverseSqrt = tf.div(z, tf.sqrt(norm)); // (S / ||S||)^(-1/2) / sqrt(||S||)
    return tf.reshape(tf.matMul(d, inverseSqrt), [n, h, w, c]);
  });
}

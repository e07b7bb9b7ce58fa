// Synthetic, linearly separable 3-class data (Gaussian blobs) from a seeded Rng.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';

export function blobs(n: number, seed = 1): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const centers = [
    [2, 0],
    [-1, 1.7],
    [-1, -1.7],
  ];
  const xs = new Float32Array(n * 2);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    ys[i] = c;
    xs[2 * i] = (centers[c]?.[0] as number) + rng.normal(0, 0.4);
    xs[2 * i + 1] = (centers[c]?.[1] as number) + rng.normal(0, 0.4);
  }
  return { x: tf.tensor2d(xs, [n, 2]), y: tf.tensor1d(ys, 'int32') };
}

import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, ShapeError } from '@trainkit/core';
import { type Initializer, makeInitializer, type RandomOptions, resolveRng } from './initializer';

export interface OrthogonalOptions extends RandomOptions {
  /** Multiplies the orthogonal matrix. Default 1. */
  gain?: number;
}

/**
 * Q of the thin QR decomposition of a (rows x cols, rows >= cols) matrix, sign-corrected so
 * that diag(R) > 0, which makes Q Haar-distributed when A is Gaussian (Mezzadri 2007).
 * Gram-Schmidt yields exactly that R; two passes keep Q orthogonal to float64 precision.
 * `a` is column-major and is overwritten with Q.
 */
export function orthonormalColumns(a: Float64Array, rows: number, cols: number): Float64Array {
  for (let j = 0; j < cols; j++) {
    const cj = j * rows;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const ck = k * rows;
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += a[ck + i]! * a[cj + i]!;
        for (let i = 0; i < rows; i++) a[cj + i]! -= dot * a[ck + i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += a[cj + i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < rows; i++) a[cj + i]! /= norm;
  }
  return a;
}

/**
 * Orthogonal init (Saxe et al. 2014): the shape is flattened to [prod(shape[:-1]), shape[-1]]
 * (Keras' convention for conv kernels) and filled with `gain` times a random matrix with
 * orthonormal columns (or rows, when there are fewer rows than columns).
 *
 * @example
 * const w = orthogonal({ gain: 1, rng: 0 })([64, 64]); // w^T w = I
 */
export function orthogonal(options: OrthogonalOptions = {}): Initializer {
  const gain = assertNumber('gain', options.gain ?? 1, { min: 0, exclusiveMin: true });
  const { rng, json } = resolveRng(options.rng);
  return makeInitializer('init.orthogonal', { gain, rng: json }, (shape) => {
    if (shape.length < 2) {
      throw new ShapeError('orthogonal needs a matrix or a conv kernel', {
        argument: 'shape',
        expected: 'rank >= 2',
        received: shape,
      });
    }
    const cols = shape[shape.length - 1]!;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const tall = Math.max(rows, cols);
    const thin = Math.min(rows, cols);
    const a = Float64Array.from(rng.normalArray(tall * thin));
    const q = orthonormalColumns(a, tall, thin); // column-major tall x thin
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        // rows >= cols: W = Q; otherwise W = Q^T.
        const v = rows >= cols ? q[c * tall + r]! : q[r * tall + c]!;
        out[r * cols + c] = gain * v;
      }
    }
    return tf.tensor(out, shape, 'float32');
  });
}

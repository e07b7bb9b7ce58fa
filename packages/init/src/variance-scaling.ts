import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertOneOf, type Rng } from '@trainkit/core';
import { computeFans } from './fans';
import { type Initializer, makeInitializer, type RandomOptions, resolveRng } from './initializer';

/** Which fan the variance is divided by. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
/** The sampling distribution of {@link varianceScaling}. */
export type Distribution = 'truncatedNormal' | 'normal' | 'uniform';

export interface VarianceScalingOptions extends RandomOptions {
  /** Target variance numerator: Var(w) = scale / n. Default 1. */
  scale?: number;
  /** n = fanIn, fanOut or (fanIn + fanOut) / 2. Default `'fanIn'`. */
  mode?: FanMode;
  /**
   * Default `'truncatedNormal'` (Keras: cut at 2 std, std corrected so the *truncated* variance
   * is scale / n); `'normal'` is PyTorch's `*_normal_` (no truncation); `'uniform'` is
   * U(-sqrt(3 scale / n), +sqrt(3 scale / n)).
   */
  distribution?: Distribution;
}

/**
 * Std of N(0, 1) truncated to [-2, 2]: the Keras correction divides by it so that the
 * truncated samples have the intended variance.
 */
export const TRUNCATED_NORMAL_STD = 0.87962566103423978;

/** Draws n samples of N(0, std) truncated to [-2 std, 2 std] (rejection, ~4.6% rejected). */
export function truncatedNormalArray(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = rng.normal();
    while (z < -2 || z > 2) z = rng.normal();
    out[i] = z * std;
  }
  return out;
}

/**
 * Variance scaling (Keras `VarianceScaling`): weights with variance `scale / n`, n a fan of
 * the shape (see {@link computeFans}). Glorot, He and LeCun are presets of it.
 *
 * @example
 * const init = varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'normal', rng: 42 });
 * const w = init([784, 256]); // Var(w) ~= 2 / 784
 */
export function varianceScaling(options: VarianceScalingOptions = {}): Initializer {
  const scale = assertNumber('scale', options.scale ?? 1, { min: 0, exclusiveMin: true });
  const mode = assertOneOf('mode', options.mode ?? 'fanIn', ['fanIn', 'fanOut', 'fanAvg']);
  const distribution = assertOneOf('distribution', options.distribution ?? 'truncatedNormal', [
    'truncatedNormal',
    'normal',
    'uniform',
  ]);
  const { rng, json } = resolveRng(options.rng);
  return makeInitializer(
    'init.varianceScaling',
    { scale, mode, distribution, rng: json },
    (shape) => {
      const { fanIn, fanOut } = computeFans(shape);
      const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
      const variance = scale / n;
      const size = shape.reduce((a, b) => a * b, 1);
      let values: Float32Array;
      if (distribution === 'normal') values = rng.normalArray(size, 0, Math.sqrt(variance));
      else if (distribution === 'truncatedNormal')
        values = truncatedNormalArray(rng, size, Math.sqrt(variance) / TRUNCATED_NORMAL_STD);
      else {
        const limit = Math.sqrt(3 * variance);
        values = rng.uniformArray(size, -limit, limit);
      }
      return tf.tensor(values, shape, 'float32');
    },
  );
}

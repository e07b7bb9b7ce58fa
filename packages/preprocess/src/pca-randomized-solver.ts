import * as tf from '@tensorflow/tfjs-core';
import { type RangeFinder, randomizedEigen, randomizedEigenOf } from '@trainkit/linalg';
import type { CenteredRows } from './centered-rows';
import type { PCAComponents, PCAEigenSolver, PCASolution } from './pca-solver';

export interface RandomizedSolverOptions {
  /** Extra random directions beyond `k`. */
  oversamples: number;
  /** Products with the covariance beyond the first. */
  iterations: number;
  seed: number;
  rangeFinder: RangeFinder;
  /** Where the range finder runs in a one-shot fit (see `PCAOptions.sketch`). */
  sketch: 'auto' | 'data' | 'covariance';
}

/**
 * PCA's randomized solver (`solver: 'randomized'`): a random start refined by a few products
 * with the covariance (`randomizedEigen` / `randomizedEigenOf` of `@trainkit/linalg`: block
 * Krylov or subspace iteration, then Rayleigh-Ritz in float64). From the covariance, the range
 * finder's products are float32 `matMul`s on the tfjs backend (directions only). In a one-shot
 * fit it may iterate on the centred data itself, `A q = Xc^T (Xc q) / (n - 1)` (Halko et al.
 * 2011, §5), with no covariance formed: with `sketch: 'data'`, or `'auto'` when that takes fewer
 * flops, `4 (iterations + 1) l < p` for `l = k + oversamples`.
 */
export function randomizedSolver(options: RandomizedSolverOptions): PCAEigenSolver {
  const { oversamples, iterations, seed, rangeFinder } = options;
  return {
    name: 'randomized',
    fromCovariance(cov: Float64Array, p: number, c: PCAComponents): PCASolution {
      const k = c.count ?? c.max;
      const pairs = withBackendMultiply(cov, p, (multiply) =>
        randomizedEigen(cov, p, k, { oversamples, iterations, seed, rangeFinder, multiply }),
      );
      return { pairs, k };
    },
    fromRows(rows: CenteredRows, c: PCAComponents): PCASolution | undefined {
      const { n, p } = rows;
      const k = c.count ?? c.max;
      const l = Math.min(p, k + oversamples);
      const useData =
        options.sketch === 'data' || (options.sketch === 'auto' && 4 * (iterations + 1) * l < p);
      if (!useData) return undefined;
      // The covariance Xc^T Xc / (n - 1) through its products.
      const scale = (v: Float64Array) => {
        for (let i = 0; i < v.length; i++) v[i] = v[i]! / (n - 1);
        return v;
      };
      const pairs = randomizedEigenOf(
        { p, times: (q, cols) => scale(rows.scatterTimes(q, cols)) },
        k,
        { oversamples, iterations, seed, rangeFinder },
      );
      return { pairs, k };
    },
  };
}

/**
 * Runs `fn` with `a Z` computed by a float32 `matMul` on the tfjs backend (`Z` column-major, as
 * `Z^T a`: `a` is symmetric); frees `a` after.
 */
function withBackendMultiply<T>(
  cov: Float64Array,
  p: number,
  fn: (multiply: (z: Float64Array, cols: number) => Float64Array) => T,
): T {
  const a = tf.tensor2d(Float32Array.from(cov), [p, p]);
  try {
    return fn((z, cols) => {
      const y = tf.tidy(() => tf.matMul(tf.tensor2d(Float32Array.from(z), [cols, p]), a));
      const out = Float64Array.from(y.dataSync());
      y.dispose();
      return out;
    });
  } finally {
    a.dispose();
  }
}

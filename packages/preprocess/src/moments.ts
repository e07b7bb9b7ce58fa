import * as tf from '@tensorflow/tfjs-core';
import { assertFiniteStats } from './layout';

/**
 * Streaming per-feature count, mean, sum of squared deviations (M2), min and max, in float64.
 * Each batch's moments are computed on the backend, read once, and merged with the running
 * ones by Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise algorithm for
 * computing sample variances", eq. 2.1b — stable where the naive sum of squares is not.
 */
export class FeatureMoments {
  count = 0;
  mean: Float64Array;
  m2: Float64Array;
  min: Float64Array;
  max: Float64Array;

  constructor(readonly features: number) {
    this.mean = new Float64Array(features);
    this.m2 = new Float64Array(features);
    this.min = new Float64Array(features).fill(Number.POSITIVE_INFINITY);
    this.max = new Float64Array(features).fill(Number.NEGATIVE_INFINITY);
  }

  /** Adds the rows of `rows` ([n, features]); `name` is used in errors. */
  update(name: string, rows: tf.Tensor2D): void {
    const [mu, m2, lo, hi] = tf.tidy(() => {
      const m = tf.mean(rows, 0);
      const d = tf.sub(rows, m);
      return [m, tf.sum(tf.mul(d, d), 0), tf.min(rows, 0), tf.max(rows, 0)];
    });
    const b = [mu.dataSync(), m2.dataSync(), lo.dataSync(), hi.dataSync()] as const;
    tf.dispose([mu, m2, lo, hi]);
    assertFiniteStats(name, ...b);
    this.merge(rows.shape[0], b[0], b[1], b[2], b[3]);
  }

  /** Chan et al. merge of a batch of `nb` rows with moments (mean, M2, min, max). */
  merge(
    nb: number,
    meanB: ArrayLike<number>,
    m2B: ArrayLike<number>,
    minB: ArrayLike<number>,
    maxB: ArrayLike<number>,
  ): void {
    const na = this.count;
    const n = na + nb;
    for (let j = 0; j < this.features; j++) {
      const delta = meanB[j]! - this.mean[j]!;
      this.mean[j] = this.mean[j]! + (delta * nb) / n;
      this.m2[j] = this.m2[j]! + m2B[j]! + (delta * delta * na * nb) / n;
      this.min[j] = Math.min(this.min[j]!, minB[j]!);
      this.max[j] = Math.max(this.max[j]!, maxB[j]!);
    }
    this.count = n;
  }

  /** Population variance (ddof 0, as scikit-learn's StandardScaler). */
  variance(): Float64Array {
    return this.m2.map((v) => (this.count > 0 ? v / this.count : 0));
  }
}

/**
 * Streaming mean and scatter matrix S = sum (x - mean)(x - mean)^T in float64, merged per batch
 * with the matrix form of Chan et al. (1979): S = S_a + S_b + (n_a n_b / n) d d^T, d = mean_b - mean_a.
 * The batch scatter is one `matMul` on the backend; data larger than memory streams through.
 */
export class CovarianceMoments {
  count = 0;
  mean: Float64Array;
  scatter: Float64Array;

  constructor(readonly features: number) {
    this.mean = new Float64Array(features);
    this.scatter = new Float64Array(features * features);
  }

  /** Moments of one block of `count` rows whose mean and scatter are already known. */
  static of(count: number, mean: Float64Array, scatter: Float64Array): CovarianceMoments {
    const m = new CovarianceMoments(mean.length);
    m.count = count;
    m.mean = mean;
    m.scatter = scatter;
    return m;
  }

  update(name: string, rows: tf.Tensor2D): void {
    const [mu, s] = tf.tidy(() => {
      const m = tf.mean(rows, 0);
      const d = tf.sub(rows, m);
      // Transpose first: XNNPACK (wasm) runs a plain matMul ~10x faster than one with transposeA.
      return [m, tf.matMul(tf.transpose(d), d)];
    });
    const meanB = mu.dataSync();
    const sB = s.dataSync();
    tf.dispose([mu, s]);
    assertFiniteStats(name, meanB, sB);
    const p = this.features;
    const na = this.count;
    const nb = rows.shape[0];
    const n = na + nb;
    const d = new Float64Array(p);
    for (let j = 0; j < p; j++) d[j] = meanB[j]! - this.mean[j]!;
    const w = (na * nb) / n;
    for (let i = 0; i < p; i++) {
      const di = d[i]! * w;
      const row = i * p;
      for (let j = 0; j < p; j++) {
        this.scatter[row + j] = this.scatter[row + j]! + sB[row + j]! + di * d[j]!;
      }
    }
    for (let j = 0; j < p; j++) this.mean[j] = this.mean[j]! + (d[j]! * nb) / n;
    this.count = n;
  }

  /** Sample covariance (ddof 1, as scikit-learn's PCA), row-major p x p. */
  covariance(): Float64Array {
    const denom = Math.max(this.count - 1, 1);
    return this.scatter.map((v) => v / denom);
  }
}

/**
 * Column means and sums of squared deviations (M2) of a row-major `n x p` array in float64, in
 * one pass over the data shifted by its first row (so that large offsets do not cancel).
 * Throws a NaNError naming `name` when a value is NaN or infinite.
 */
export function columnMoments(
  name: string,
  x: ArrayLike<number>,
  n: number,
  p: number,
): { mean: Float64Array; m2: Float64Array } {
  const s1 = new Float64Array(p);
  const s2 = new Float64Array(p);
  for (let r = 1; r < n; r++) {
    const o = r * p;
    for (let j = 0; j < p; j++) {
      const d = x[o + j]! - x[j]!;
      s1[j] = s1[j]! + d;
      s2[j] = s2[j]! + d * d;
    }
  }
  const mean = new Float64Array(p);
  const m2 = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    mean[j] = x[j]! + s1[j]! / n;
    m2[j] = Math.max(s2[j]! - (s1[j]! * s1[j]!) / n, 0);
  }
  assertFiniteStats(name, mean, s2);
  return { mean, m2 };
}

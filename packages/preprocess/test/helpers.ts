import { readFileSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs-core';

/** A committed fixture made by scripts/make_fixtures.py (scikit-learn / numpy). */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function flat(a: unknown): number[] {
  return (a as number[]).flat(4 as 1) as number[];
}

/** Moved to the shared test helpers (linalg's tests use it too). */
export { expectClose } from '@trainkit/test-utils';

/** Reads a tensor and disposes it. */
export function take(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

/** Sample covariance (ddof 1) of an [n, p] row-major array, computed naively in float64. */
export function covariance(x: ArrayLike<number>, n: number, p: number): Float64Array {
  const mu = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mu[j] = mu[j]! + x[i * p + j]! / n;
  const c = new Float64Array(p * p);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++)
        c[a * p + b] =
          c[a * p + b]! + ((x[i * p + a]! - mu[a]!) * (x[i * p + b]! - mu[b]!)) / (n - 1);
  return c;
}

import { readFileSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';
import { expect } from 'vitest';

/** A committed fixture made by scripts/make_fixtures.py (scikit-learn / numpy). */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function flat(a: unknown): number[] {
  return (a as number[]).flat(4 as 1) as number[];
}

/**
 * Element-wise |actual - expected| <= rtol * max(|expected|, floor), with `floor` = 1e-2 times the
 * largest |expected| (so entries that are zero up to rounding are compared on the array's scale).
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4) {
  expect(actual.length).toBe(expected.length);
  let big = 0;
  for (let i = 0; i < expected.length; i++) big = Math.max(big, Math.abs(expected[i]!));
  const floor = 1e-2 * big;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), floor);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(
    worst,
    `worst relative error at ${at}: ${actual[at]} vs ${expected[at]}`,
  ).toBeLessThanOrEqual(rtol);
  return worst;
}

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

/** A = Q diag(lambda) Q^T with Q a random orthogonal matrix (Gram-Schmidt), row-major. */
export function withSpectrum(lambda: number[], seed: number): { a: Float64Array; q: number[][] } {
  const p = lambda.length;
  const rng = new Rng(seed);
  const q: number[][] = [];
  for (let i = 0; i < p; i++) {
    const v = Array.from({ length: p }, () => rng.normal());
    for (const u of q) {
      const d = v.reduce((s, x, j) => s + x * u[j]!, 0);
      for (let j = 0; j < p; j++) v[j] = v[j]! - d * u[j]!;
    }
    const n = Math.hypot(...v);
    q.push(v.map((x) => x / n));
  }
  const a = new Float64Array(p * p);
  for (let k = 0; k < p; k++)
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) a[i * p + j] = a[i * p + j]! + lambda[k]! * q[k]![i]! * q[k]![j]!;
  return { a, q };
}

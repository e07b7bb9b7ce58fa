import { Rng } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { expectClose, withSpectrum } from '../test/helpers';
import { symmetricEigen } from './symmetric-eigen';
import { topSymmetricEigen, tridiagonalize } from './tridiagonal';

/** max |A v - lambda v| over the pairs, and max |v_i . v_j - delta_ij|. */
function residuals(a: Float64Array, p: number, values: Float64Array, vectors: Float64Array) {
  let res = 0;
  let orth = 0;
  const k = values.length;
  for (let r = 0; r < k; r++) {
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += a[i * p + j]! * vectors[r * p + j]!;
      res = Math.max(res, Math.abs(s - values[r]! * vectors[r * p + i]!));
    }
    for (let c = 0; c <= r; c++) {
      let dot = 0;
      for (let i = 0; i < p; i++) dot += vectors[r * p + i]! * vectors[c * p + i]!;
      orth = Math.max(orth, Math.abs(dot - (r === c ? 1 : 0)));
    }
  }
  return { res, orth };
}

describe('topSymmetricEigen (Householder + bisection + inverse iteration)', () => {
  it('[[2, 1], [1, 2]]: 3 with (1, 1)/sqrt2, then 1 with (1, -1)/sqrt2', () => {
    const { values, vectors } = topSymmetricEigen(Float64Array.from([2, 1, 1, 2]), 2, 2);
    expectClose(values, [3, 1], 1e-12);
    const r = Math.SQRT1_2;
    expectClose(vectors, [r, r, r, -r], 1e-12);
  });

  it('recovers a known spectrum and its eigenvectors (p = 40, top 6)', () => {
    const lambda = Array.from({ length: 40 }, (_, i) => 100 * 0.7 ** i);
    const { a, q } = withSpectrum(lambda, 5);
    const { values, vectors } = topSymmetricEigen(a, 40, 6);
    expectClose(values, lambda.slice(0, 6), 1e-12);
    for (let k = 0; k < 6; k++) {
      const dot = q[k]!.reduce((s, x, j) => s + x * vectors[k * 40 + j]!, 0);
      expect(Math.abs(dot)).toBeGreaterThan(1 - 1e-12);
    }
  });

  it('repeated and clustered eigenvalues still give orthonormal eigenvectors', () => {
    const lambda = [5, 5, 5, 3, 3 + 1e-13, 2, 1, 1, 0.5, 0.1, 0, 0];
    const { a } = withSpectrum(lambda, 9);
    const { values, vectors } = topSymmetricEigen(a, 12, 8);
    expectClose(values, lambda.slice(0, 8), 1e-12);
    const { res, orth } = residuals(a, 12, values, vectors);
    expect(res).toBeLessThan(1e-12);
    expect(orth).toBeLessThan(1e-12);
  });

  it('agrees with ml-matrix (JAMA tred2 + tql2) on a random covariance, p = 70, top 10', () => {
    const rng = new Rng(2);
    const p = 70;
    const n = 90;
    const x = Array.from({ length: n * p }, () => rng.normal());
    const a = new Float64Array(p * p);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) a[i * p + j] = a[i * p + j]! + x[r * p + i]! * x[r * p + j]!;
    const ours = topSymmetricEigen(a, p, 10);
    const ref = symmetricEigen(a, p);
    expectClose(ours.values, ref.values.slice(0, 10), 1e-11);
    expectClose(ours.vectors, ref.vectors.slice(0, 10 * p), 1e-8);
  });
});

describe('tridiagonalize', () => {
  it('the wasm sweep and the JavaScript one give the same tridiagonal form (odd and even sizes)', () => {
    for (const p of [7, 40, 41]) {
      const rng = new Rng(p);
      const a = new Float64Array(p * p);
      for (let i = 0; i < p; i++) {
        for (let j = 0; j <= i; j++) {
          const v = rng.normal();
          a[i * p + j] = v;
          a[j * p + i] = v;
        }
      }
      const wasm = tridiagonalize(a, p);
      const js = tridiagonalize(a, p, false);
      expectClose(wasm.d, js.d, 1e-10);
      expectClose(wasm.e, js.e, 1e-10);
      // The trace is kept: sum of d equals that of the diagonal of a.
      let trace = 0;
      for (let i = 0; i < p; i++) trace += a[i * p + i]!;
      expect(Math.abs(wasm.d.reduce((s, x) => s + x, 0) - trace)).toBeLessThan(1e-9);
    }
  });
});

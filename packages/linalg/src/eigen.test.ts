import { Rng } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { expectClose, withSpectrum } from '../test/helpers';
import { orthonormalize } from './column-store';
import { randomizedEigen } from './randomized-eigen';
import { symmetricEigen } from './symmetric-eigen';

describe('symmetric eigensolvers', () => {
  it('symmetricEigen: [[2, 1], [1, 2]] has eigenvalues 3, 1 with axes (1, 1)/sqrt2, (1, -1)/sqrt2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expectClose(values, [3, 1], 1e-12);
    const r = Math.SQRT1_2;
    // Largest-magnitude entry positive: ties keep the first, so (r, r) and (r, -r).
    expectClose(vectors, [r, r, r, -r], 1e-12);
  });

  it('randomizedEigen recovers the top eigenpairs of a matrix with a known spectrum', () => {
    const lambda = [50, 20, 10, 5, 1, 0.5, 0.2, 0.1, 0.05, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01];
    const { a, q } = withSpectrum(lambda, 3);
    const p = lambda.length;
    const { values, vectors } = randomizedEigen(a, p, 3, {
      oversamples: 5,
      iterations: 4,
      seed: 1,
    });
    expectClose(values, [50, 20, 10], 1e-8);
    for (let k = 0; k < 3; k++) {
      const dot = q[k]!.reduce((s, x, j) => s + x * vectors[k * p + j]!, 0);
      expect(Math.abs(dot)).toBeGreaterThan(1 - 1e-8);
    }
  });
});

/** Largest relative error of the first `k` values against `lambda`. */
const relErr = (values: ArrayLike<number>, lambda: number[], k: number) =>
  Math.max(...lambda.slice(0, k).map((v, i) => Math.abs(values[i]! - v) / v));

describe('randomized range finders', () => {
  // A slowly decaying spectrum (1 / i): the hard case for a randomized eigensolver.
  const p = 120;
  const lambda = Array.from({ length: p }, (_, i) => 1 / (i + 1));
  const { a, q } = withSpectrum(lambda, 5);

  it('block Krylov recovers the top eigenpairs; with as many products it is far more accurate than subspace iteration', () => {
    const options = { oversamples: 5, iterations: 3, seed: 2 }; // 4 products, 4 x 15 = 60 <= p
    const krylov = randomizedEigen(a, p, 10, { ...options, rangeFinder: 'krylov' });
    const subspace = randomizedEigen(a, p, 10, { ...options, rangeFinder: 'subspace' });
    const eK = relErr(krylov.values, lambda, 10);
    const eS = relErr(subspace.values, lambda, 10);
    expect(eK).toBeLessThan(1e-3);
    expect(eK * 5).toBeLessThan(eS);
    // The top eigenvector is found (up to sign) and the vectors are orthonormal.
    const dot = q[0]!.reduce((s, x, j) => s + x * krylov.vectors[j]!, 0);
    expect(Math.abs(dot)).toBeGreaterThan(1 - 1e-6);
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 10; j++) {
        let d = 0;
        for (let r = 0; r < p; r++) d += krylov.vectors[i * p + r]! * krylov.vectors[j * p + r]!;
        expect(Math.abs(d - (i === j ? 1 : 0))).toBeLessThan(1e-9);
      }
    }
  });

  it('falls back to subspace iteration when the Krylov basis would outgrow p', () => {
    const small = lambda.slice(0, 12);
    const { a: a12 } = withSpectrum(small, 1);
    // (iterations + 1) (k + oversamples) = 4 x 6 > 12: the subspace result, exactly.
    const options = { oversamples: 3, iterations: 3, seed: 3 };
    const k = randomizedEigen(a12, 12, 3, { ...options, rangeFinder: 'krylov' });
    const s = randomizedEigen(a12, 12, 3, { ...options, rangeFinder: 'subspace' });
    expect(Array.from(k.values)).toEqual(Array.from(s.values));
  });

  it('handles rank below the basis size (singular B^T A B) and below k', () => {
    for (const rank of [6, 2]) {
      const low = lambda.map((v, i) => (i < rank ? v : 0));
      const { a: aLow } = withSpectrum(low, 7);
      const { values, vectors } = randomizedEigen(aLow, p, 4, {
        oversamples: 4,
        iterations: 3,
        seed: 1,
        rangeFinder: 'krylov',
      });
      expectClose(values, low.slice(0, 4), 1e-8);
      for (let i = 0; i < 4; i++) {
        let n = 0;
        for (let r = 0; r < p; r++) n += vectors[i * p + r]! ** 2;
        expect(Math.abs(n - 1)).toBeLessThan(1e-8);
      }
    }
  });
});

describe('orthonormalize', () => {
  it('returns orthonormal columns spanning the input, even for rank-deficient blocks (column-major)', () => {
    const rng = new Rng(4);
    const p = 30;
    const cols = 6;
    // Column c holds rows r at y[c p + r].
    const y = new Float64Array(p * cols);
    for (let r = 0; r < p; r++) {
      const a = rng.normal();
      const b = rng.normal();
      // Columns 0-2 span 2 directions (rank 2), columns 3-5 are independent.
      y[r] = a;
      y[p + r] = b;
      y[2 * p + r] = a + 2 * b;
      for (let c = 3; c < cols; c++) y[c * p + r] = rng.normal();
    }
    const q = orthonormalize(y, p, cols);
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < cols; j++) {
        let dot = 0;
        for (let r = 0; r < p; r++) dot += q[i * p + r]! * q[j * p + r]!;
        expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
    // Every input column lies in the span: y_c = Q Q^T y_c.
    for (let c = 0; c < cols; c++) {
      const proj = new Float64Array(p);
      for (let i = 0; i < cols; i++) {
        let dot = 0;
        for (let r = 0; r < p; r++) dot += q[i * p + r]! * y[c * p + r]!;
        for (let r = 0; r < p; r++) proj[r] = proj[r]! + dot * q[i * p + r]!;
      }
      for (let r = 0; r < p; r++) expect(Math.abs(proj[r]! - y[c * p + r]!)).toBeLessThan(1e-12);
    }
  });
});

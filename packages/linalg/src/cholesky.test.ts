import { describe, expect, it } from 'vitest';
import { choleskyFactor, solveLower, solveLowerTransposed } from './cholesky';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol);
};

describe('Cholesky', () => {
  // [[4, 2], [2, 3]] = L L^T with L = [[2, 0], [1, sqrt 2]] (by hand).
  const a = Float64Array.of(4, 2, 2, 3);

  it('factors a positive-definite matrix, with a shift on the diagonal', () => {
    close(choleskyFactor(a, 2) as Float64Array, [2, 0, 1, Math.SQRT2]);
    // [[5, 2], [2, 4]]: L = [[sqrt 5, 0], [2 / sqrt 5, sqrt(4 - 4/5)]].
    close(choleskyFactor(a, 2, { shift: 1 }) as Float64Array, [
      Math.sqrt(5),
      0,
      2 / Math.sqrt(5),
      Math.sqrt(4 - 4 / 5),
    ]);
  });

  it('solves L y = b and L^T x = y: A x = b for A = [[4, 2], [2, 3]], b = (2, 1) gives x = (0.5, 0)', () => {
    const l = choleskyFactor(a, 2) as Float64Array;
    const y = solveLower(l, Float64Array.of(2, 1), 2, 1);
    close(y, [1, 0]);
    close(solveLowerTransposed(l, y, 2, 1), [0.5, 0]);
    // Two right-hand sides at once (columns of a row-major 2 x 2): b1 = (2, 1), b2 = (4, 2) = A e1.
    const many = solveLowerTransposed(l, solveLower(l, Float64Array.of(2, 4, 1, 2), 2, 2), 2, 2);
    close(many, [0.5, 1, 0, 0]);
  });

  it('is undefined for an indefinite matrix, or below minPivot; floor factors it anyway', () => {
    const indefinite = Float64Array.of(1, 2, 2, 1);
    expect(choleskyFactor(indefinite, 2)).toBeUndefined();
    expect(choleskyFactor(a, 2, { minPivot: 3 })).toBeUndefined(); // second pivot is 2
    const floored = choleskyFactor(indefinite, 2, { floor: 1e-3 }) as Float64Array;
    close(floored, [1, 0, 2, Math.sqrt(1e-3)]);
  });
});

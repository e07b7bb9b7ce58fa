import { errorCode } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { ridgeSolve } from './ridge-solve';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-14) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol);
};

describe('ridgeSolve', () => {
  it('solves (A + lambda I) X = B for two right-hand sides (by hand)', () => {
    // A + I = [[5, 2], [2, 4]], inverse [[4, -2], [-2, 5]] / 16; B columns (2, 1) and (1, 0).
    const x = ridgeSolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1, 1, 0), {
      lambda: 1,
      columns: 2,
    });
    close(x, [6 / 16, 4 / 16, 1 / 16, -2 / 16]);
  });

  it('factors a semi-definite Gram matrix: with lambda > 0 exactly, with 0 finitely', () => {
    // [[1, 1], [1, 1]] + I = [[2, 1], [1, 2]], inverse [[2, -1], [-1, 2]] / 3.
    const gram = Float64Array.of(1, 1, 1, 1);
    close(ridgeSolve(gram, Float64Array.of(1, 0), { lambda: 1 }), [2 / 3, -1 / 3]);
    const x = ridgeSolve(gram, Float64Array.of(1, 1), { lambda: 0 });
    expect(x.every(Number.isFinite)).toBe(true);
  });

  it('rejects mismatched shapes and a negative lambda with typed errors', () => {
    expect(
      errorCode(() => ridgeSolve(Float64Array.of(1, 2, 3), Float64Array.of(1, 1), { lambda: 1 })),
    ).toBe('SHAPE');
    expect(
      errorCode(() =>
        ridgeSolve(Float64Array.of(1, 0, 0, 1), Float64Array.of(1, 1), { lambda: -1 }),
      ),
    ).toBe('RANGE');
    expect(
      errorCode(() =>
        ridgeSolve(Float64Array.of(1, 0, 0, 1), Float64Array.of(1, 1, 1), {
          lambda: 1,
          columns: 2,
        }),
      ),
    ).toBe('SHAPE');
  });
});

import { assertNumber, assertPositiveInt, ShapeError } from '@trainkit/core';
import { choleskyFactor, solveLower, solveLowerTransposed } from './cholesky';

export interface RidgeSolveOptions {
  /** The ridge strength `lambda >= 0` added to the diagonal. */
  lambda: number;
  /** Right-hand sides: `b` is row-major `n x columns`. Default 1. */
  columns?: number;
}

/**
 * Solves `(A + lambda I) X = B` for a symmetric positive semi-definite row-major `A` (`n x n`)
 * and a row-major `B` (`n x columns`), in float64 — kernel ridge regression's dual solve
 * `alpha = (K + lambda I)^-1 Y` (Hastie, Tibshirani & Friedman, ESL §5.8), by Cholesky. Pivots are
 * floored at 1e-300, so a semi-definite `A` (a Gram matrix of fewer features than samples) still
 * factors with `lambda = 0`; for a strictly positive-definite system that must fail loudly, use
 * {@link choleskySolve}.
 * @example ridgeSolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), { lambda: 1 }) // [0.375, 0.0625]
 */
export function ridgeSolve(
  a: Float64Array,
  b: Float64Array,
  options: RidgeSolveOptions,
): Float64Array {
  const lambda = assertNumber('lambda', options.lambda, { min: 0 });
  const columns = assertPositiveInt('columns', options.columns ?? 1);
  const n = b.length / columns;
  if (!Number.isInteger(n) || a.length !== n * n) {
    throw new ShapeError('matrix and right-hand sides disagree', {
      argument: 'a',
      expected: `an n x n matrix with b = n x ${columns} (b has ${b.length} values)`,
      received: a.length,
    });
  }
  const l = choleskyFactor(a, n, { shift: lambda, floor: 1e-300 }) as Float64Array;
  return solveLowerTransposed(l, solveLower(l, b, n, columns), n, columns);
}

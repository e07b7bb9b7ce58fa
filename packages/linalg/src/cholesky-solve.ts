import { ShapeError, ValueRangeError } from '@trainkit/core';
import { choleskyFactor, solveLower, solveLowerTransposed } from './cholesky';

/**
 * Solves `(A + damping I) x = b` for a symmetric positive-definite `A` (row-major n x n) by
 * Cholesky factorisation in float64 ({@link choleskyFactor}): `A = L L^T`, then forward and
 * back substitution. Throws a ValueRangeError when the matrix is not positive
 * definite (a non-positive pivot), so callers can raise the damping and retry.
 * @example choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1)) // [0.5, 0]
 */
export function choleskySolve(a: Float64Array, b: Float64Array, damping = 0): Float64Array {
  const n = b.length;
  if (a.length !== n * n) {
    throw new ShapeError('matrix and right-hand side disagree', {
      argument: 'a',
      expected: `${n * n} entries (n = ${n})`,
      received: a.length,
    });
  }
  const l = choleskyFactor(a, n, { shift: damping });
  if (!l) {
    throw new ValueRangeError('matrix is not positive definite', {
      argument: 'a',
      expected: 'a positive pivot (raise the damping)',
      receivedText: 'a non-positive pivot',
    });
  }
  return solveLowerTransposed(l, solveLower(l, b, n, 1), n, 1);
}

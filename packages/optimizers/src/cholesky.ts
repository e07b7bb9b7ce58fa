import { ShapeError, ValueRangeError } from '@trainkit/core';

/**
 * Solves `(A + damping I) x = b` for a symmetric positive-definite `A` (row-major n x n) by
 * Cholesky factorisation in float64: `A = L L^T`, then forward and back substitution
 * (Golub & Van Loan, Alg. 4.2.1). Throws a ValueRangeError when the matrix is not positive
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
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = (a[j * n + j] as number) + damping;
    for (let k = 0; k < j; k++) s -= (L[j * n + k] as number) ** 2;
    if (!(s > 0)) {
      throw new ValueRangeError('matrix is not positive definite', {
        argument: 'a',
        expected: 'a positive pivot (raise the damping)',
        received: s,
      });
    }
    const ljj = Math.sqrt(s);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = (a[i * n + j] as number) + 0;
      for (let k = 0; k < j; k++) t -= (L[i * n + k] as number) * (L[j * n + k] as number);
      L[i * n + j] = t / ljj;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = b[i] as number;
    for (let k = 0; k < i; k++) t -= (L[i * n + k] as number) * (y[k] as number);
    y[i] = t / (L[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let t = y[i] as number;
    for (let k = i + 1; k < n; k++) t -= (L[k * n + i] as number) * (x[k] as number);
    x[i] = t / (L[i * n + i] as number);
  }
  return x;
}

/**
 * Dense float64 Cholesky factorisation and triangular solves, row-major (Golub & Van Loan,
 * Alg. 4.2.1), shared by the packages that solve small symmetric positive-definite systems
 * (optimizers' Newton step, hpo's Gaussian process, transfer's ridge probes, the randomized
 * eigensolver's Rayleigh-Ritz pencil).
 */

export interface CholeskyOptions {
  /** Added to the diagonal first: factors `A + shift I` (damping, ridge). Default 0. */
  shift?: number;
  /** A pivot `<= minPivot` makes the matrix not positive definite: the result is `undefined`. Default 0. */
  minPivot?: number;
  /** Instead of failing, a pivot below `floor` is raised to it (a semi-definite matrix factors). */
  floor?: number;
}

/**
 * The lower factor `L` of `A + shift I = L L^T` for the symmetric row-major `n x n` `a` (its lower
 * triangle is read), or `undefined` when a pivot is not above `minPivot` (not numerically positive
 * definite) and no `floor` is given.
 * @example choleskyFactor(Float64Array.of(4, 2, 2, 3), 2) // [2, 0, 1, sqrt(2)]
 */
export function choleskyFactor(
  a: Float64Array,
  n: number,
  options: CholeskyOptions = {},
): Float64Array | undefined {
  const shift = options.shift ?? 0;
  const minPivot = options.minPivot ?? 0;
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]! + shift;
    for (let t = 0; t < j; t++) d -= l[j * n + t]! ** 2;
    if (options.floor !== undefined) d = Math.max(d, options.floor);
    else if (!(d > minPivot)) return undefined;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let v = a[i * n + j]!;
      for (let t = 0; t < j; t++) v -= l[i * n + t]! * l[j * n + t]!;
      l[i * n + j] = v / ljj;
    }
  }
  return l;
}

/** `L^-1 B` for the lower-triangular `l` (`n x n`) and a row-major `b` (`n x c`). */
export function solveLower(l: Float64Array, b: Float64Array, n: number, c: number): Float64Array {
  const x = b.slice(0, n * c);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < i; t++) {
      const f = l[i * n + t]!;
      if (f === 0) continue;
      for (let j = 0; j < c; j++) x[i * c + j] = x[i * c + j]! - f * x[t * c + j]!;
    }
    const inv = 1 / l[i * n + i]!;
    for (let j = 0; j < c; j++) x[i * c + j] = x[i * c + j]! * inv;
  }
  return x;
}

/** `L^-T B` for the lower-triangular `l` (`n x n`) and a row-major `b` (`n x c`). */
export function solveLowerTransposed(
  l: Float64Array,
  b: Float64Array,
  n: number,
  c: number,
): Float64Array {
  const x = b.slice(0, n * c);
  for (let i = n - 1; i >= 0; i--) {
    for (let t = i + 1; t < n; t++) {
      const f = l[t * n + i]!;
      if (f === 0) continue;
      for (let j = 0; j < c; j++) x[i * c + j] = x[i * c + j]! - f * x[t * c + j]!;
    }
    const inv = 1 / l[i * n + i]!;
    for (let j = 0; j < c; j++) x[i * c + j] = x[i * c + j]! * inv;
  }
  return x;
}

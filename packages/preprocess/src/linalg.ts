import { Rng } from '@trainkit/core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { Arena, kernelModule } from './kernels/engine';

/**
 * Dense float64 linear algebra for the fit step (tfjs-core has no eigensolver).
 * We use ml-matrix's symmetric EVD — the JAMA algorithm (Householder tridiagonalisation, tred2,
 * then implicit QL, tql2; Golub & Van Loan §8.3): well-kept, dependency-free, float64, the same
 * in Node and the browser. The range finder's orthonormalisation is our own flat-array
 * Gram-Schmidt (ml-matrix's QR through get/set cost ~1 s per fit at p = 3,072); the top-k exact
 * solver is in tridiagonal.ts.
 */

/** Eigenpairs sorted by decreasing eigenvalue; `vectors` holds one unit eigenvector per row. */
export interface EigenPairs {
  values: Float64Array;
  /** Row-major `k x p`: row i is the eigenvector of `values[i]`. */
  vectors: Float64Array;
}

function sortedRows(values: number[], vecs: Matrix, k: number): EigenPairs {
  const p = vecs.rows;
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const out: EigenPairs = { values: new Float64Array(k), vectors: new Float64Array(k * p) };
  for (let r = 0; r < k; r++) {
    const c = order[r]!;
    out.values[r] = values[c]!;
    // Deterministic sign: the largest-magnitude entry of each eigenvector is positive
    // (scikit-learn >= 1.5 flips PCA components the same way).
    let big = 0;
    for (let i = 0; i < p; i++) if (Math.abs(vecs.get(i, c)) > Math.abs(big)) big = vecs.get(i, c);
    const s = big < 0 ? -1 : 1;
    for (let i = 0; i < p; i++) out.vectors[r * p + i] = s * vecs.get(i, c);
  }
  return out;
}

/** All eigenpairs of the symmetric `p x p` row-major matrix `a`, largest first. */
export function symmetricEigen(a: Float64Array, p: number): EigenPairs {
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(p, p, a), { assumeSymmetric: true });
  return sortedRows(evd.realEigenvalues, evd.eigenvectorMatrix, p);
}

export interface RandomizedOptions {
  /** Extra random directions beyond `k` (Halko et al. use 5-10; scikit-learn 10). */
  oversamples: number;
  /** Power (subspace) iterations; each sharpens the spectrum by one power of `a`. */
  iterations: number;
  seed: number;
  /**
   * Computes `a q` for a row-major `p x cols` block `q` during the power iterations (the costly
   * part). Default: float64 JS. PCA passes a float32 backend `matMul`: the range finder only
   * needs directions, and the final Rayleigh-Ritz step below always runs in float64.
   */
  multiply?: (q: Float64Array, cols: number) => Float64Array;
}

/** `a (p x p) * q (p x cols)`, row-major float64. */
export function multiplySquare(
  a: Float64Array,
  p: number,
  q: Float64Array,
  cols: number,
): Float64Array {
  const c = new Float64Array(p * cols);
  for (let i = 0; i < p; i++) {
    const ci = i * cols;
    for (let k = 0; k < p; k++) {
      const aik = a[i * p + k]!;
      if (aik === 0) continue;
      const qk = k * cols;
      for (let j = 0; j < cols; j++) c[ci + j] = c[ci + j]! + aik * q[qk + j]!;
    }
  }
  return c;
}

/**
 * Orthonormal basis of the columns of a row-major `p x cols` block: Gram-Schmidt with one full
 * re-orthogonalisation ("twice is enough", Giraud et al. 2005), on the transposed
 * (column-contiguous) copy, in float64 by the wasm SIMD kernel `orthcol` (JavaScript where
 * WebAssembly SIMD is missing). A column that vanishes against the previous ones (rank-deficient
 * data) is replaced by a coordinate vector orthogonalised the same way, so the basis stays full.
 */
export function orthonormalize(y: Float64Array, p: number, cols: number): Float64Array {
  const module = kernelModule(false);
  // Columns padded to a multiple of 4 (the wasm kernel's step), zeros past p.
  const ps = module ? Math.ceil(p / 4) * 4 : p;
  let arena: Arena | undefined;
  let t: Float64Array;
  if (module) {
    arena = orthArena(module, 64 + 8 * cols * ps);
    t = arena.f64(64, cols * ps);
    t.fill(0);
  } else {
    t = new Float64Array(cols * p);
  }
  for (let r = 0; r < p; r++) for (let c = 0; c < cols; c++) t[c * ps + r] = y[r * cols + c]!;
  let next = 0; // the next coordinate vector to try for a vanished column
  for (let j = 0; j < cols; j++) {
    const v = t.subarray(j * ps, j * ps + p);
    let n0 = 0;
    for (let r = 0; r < p; r++) n0 += v[r]! * v[r]!;
    for (let attempt = 0; ; attempt++) {
      const n = arena ? arena.kernels.orthcol(64, ps, j) : orthogonalizeColumn(t, p, j);
      if (n > 1e-24 * n0 && n > 0) {
        const inv = 1 / Math.sqrt(n);
        for (let r = 0; r < p; r++) v[r] = v[r]! * inv;
        break;
      }
      if (attempt >= p) throw new Error('orthonormalize: no independent direction left');
      v.fill(0);
      v[next++ % p] = 1;
      n0 = 1;
    }
  }
  const q = new Float64Array(p * cols);
  for (let r = 0; r < p; r++) for (let c = 0; c < cols; c++) q[r * cols + c] = t[c * ps + r]!;
  return q;
}

/**
 * Column `j` of the column-contiguous `t` (`p` rows per column) orthogonalised against columns
 * `0 .. j-1`, twice; returns its squared norm. (The wasm kernel `orthcol` does the same.)
 */
function orthogonalizeColumn(t: Float64Array, p: number, j: number): number {
  const v = t.subarray(j * p, (j + 1) * p);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < j; i++) {
      const q = t.subarray(i * p, (i + 1) * p);
      let dot = 0;
      for (let r = 0; r < p; r++) dot += q[r]! * v[r]!;
      for (let r = 0; r < p; r++) v[r] = v[r]! - dot * q[r]!;
    }
  }
  let n = 0;
  for (let r = 0; r < p; r++) n += v[r]! * v[r]!;
  return n;
}

let orthMemory: Arena | undefined;

/** The calling thread's small kernel memory for {@link orthonormalize}, grown to `bytes`. */
function orthArena(module: WebAssembly.Module, bytes: number): Arena {
  orthMemory ??= new Arena(module, false, bytes);
  orthMemory.ensure(bytes);
  return orthMemory;
}

/** A symmetric positive semi-definite `p x p` operator known only through products. */
export interface SymmetricOperator {
  p: number;
  /** `A q` for a row-major `p x cols` block `q` (may be float32-accurate: directions only). */
  times(q: Float64Array, cols: number): Float64Array;
  /** `A q` for the final Rayleigh-Ritz step, as exact as possible (default: `times`). */
  timesExact?(q: Float64Array, cols: number): Float64Array;
}

/**
 * The top `k` eigenpairs of the symmetric positive semi-definite `p x p` matrix `a` by
 * randomized subspace iteration (see {@link randomizedEigenOf}). Cost O(p^2 (k + oversamples))
 * per iteration instead of the O(p^3) of a full decomposition.
 */
export function randomizedEigen(
  a: Float64Array,
  p: number,
  k: number,
  options: RandomizedOptions,
): EigenPairs {
  const exact = (q: Float64Array, cols: number) => multiplySquare(a, p, q, cols);
  return randomizedEigenOf({ p, times: options.multiply ?? exact, timesExact: exact }, k, options);
}

/**
 * `(a^T b + b^T a) / 2` for row-major `p x l` blocks, `l x l` float64: the symmetric part, from
 * the upper triangle (half the multiply-adds of a full product).
 */
function symmetricCross(a: Float64Array, b: Float64Array, p: number, l: number): Float64Array {
  const out = new Float64Array(l * l);
  for (let r = 0; r < p; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const ai = a[o + i]!;
      const bi = b[o + i]!;
      const row = i * l;
      for (let j = i; j < l; j++) out[row + j] = out[row + j]! + ai * b[o + j]! + bi * a[o + j]!;
    }
  }
  for (let i = 0; i < l; i++) {
    for (let j = i; j < l; j++) {
      const v = out[i * l + j]! / 2;
      out[i * l + j] = v;
      out[j * l + i] = v;
    }
  }
  return out;
}

/** `a (p x m) * b (m x c)`, row-major float64. */
function multiply(a: Float64Array, b: Float64Array, p: number, m: number, c: number): Float64Array {
  const out = new Float64Array(p * c);
  for (let r = 0; r < p; r++) {
    for (let i = 0; i < m; i++) {
      const ari = a[r * m + i]!;
      if (ari === 0) continue;
      for (let j = 0; j < c; j++) out[r * c + j] = out[r * c + j]! + ari * b[i * c + j]!;
    }
  }
  return out;
}

/** Float64 Gram `y^T y` of a row-major `n x l` block, upper half computed and mirrored. */
function gram(y: Float64Array, n: number, l: number): Float64Array {
  const out = new Float64Array(l * l);
  for (let r = 0; r < n; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const yi = y[o + i]!;
      if (yi === 0) continue;
      const row = i * l;
      for (let j = i; j < l; j++) out[row + j] = out[row + j]! + yi * y[o + j]!;
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) out[i * l + j] = out[j * l + i]!;
  return out;
}

/** The transpose of a row-major `rows x cols` matrix. */
function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/** Eigenpairs of a small symmetric matrix (symmetrised against rounding), largest first. */
function smallEigen(m: Float64Array, l: number): { values: number[]; vectors: Float64Array } {
  const b = Matrix.from1DArray(l, l, m);
  const evd = new EigenvalueDecomposition(b.add(b.transpose()).mul(0.5), { assumeSymmetric: true });
  const order = evd.realEigenvalues
    .map((_, i) => i)
    .sort((x, y) => evd.realEigenvalues[y]! - evd.realEigenvalues[x]!);
  const vectors = new Float64Array(l * l);
  for (let i = 0; i < l; i++)
    for (let c = 0; c < l; c++) vectors[i * l + c] = evd.eigenvectorMatrix.get(i, order[c]!);
  return { values: order.map((c) => evd.realEigenvalues[c]!), vectors };
}

/**
 * The top `k` eigenpairs of an operator given by its products (`A` may be the scatter
 * `Xc^T Xc` of data that is never formed: each `times` is two passes over the data), by
 * randomized subspace iteration: Halko, Martinsson & Tropp (2011), "Finding structure with
 * randomness", Alg. 4.4 (range finder, re-orthonormalised after each product) and Alg. 5.3.
 *
 * `Z` starts as an orthonormal random `p x l` block and `iterations` products give
 * `Z = orth(A^iterations Omega)`. One more product `W = A Z` then spans `A^(iterations+1) Omega`,
 * and the Rayleigh-Ritz step on that span needs no further product: with `G = Z^T W` and
 * `H = W^T W`, the pencil `H c = theta G c` gives the Ritz values `theta` and the unit Ritz
 * vectors `W c / sqrt(theta)` (for `A = X^T X` this is the SVD of `Q^T X` that scikit-learn
 * forms, `Q` an orthonormal basis of `X Z`). So `iterations + 1` products in all, as many as
 * scikit-learn's `n_iter = iterations` takes for the same subspace. Where `G` is numerically
 * singular (data of rank below `k`), the Ritz pairs of `G` on the span of `Z` are returned.
 */
export function randomizedEigenOf(
  op: SymmetricOperator,
  k: number,
  options: Omit<RandomizedOptions, 'multiply'>,
): EigenPairs {
  const p = op.p;
  const l = Math.min(p, k + options.oversamples);
  const rng = new Rng(options.seed);
  let z: Float64Array = new Float64Array(p * l);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal();
  z = orthonormalize(z, p, l);
  for (let it = 0; it < options.iterations; it++) z = orthonormalize(op.times(z, l), p, l);
  const w = (op.timesExact ?? op.times)(z, l);
  const g = smallEigen(symmetricCross(z, w, p, l), l);
  const top = Math.max(g.values[0]!, 0);
  let r = 0;
  while (r < l && g.values[r]! > 1e-10 * top) r++;
  if (r < k) {
    // Rank below k: Rayleigh-Ritz of A on span(Z) itself.
    return sortedRows(g.values, Matrix.from1DArray(p, l, multiply(z, g.vectors, p, l, l)), k);
  }
  // T = E_r Lambda_r^(-1/2): G's congruence to the identity on its range; S = T^T H T.
  const t = new Float64Array(l * r);
  for (let i = 0; i < l; i++) {
    for (let c = 0; c < r; c++) t[i * r + c] = g.vectors[i * l + c]! / Math.sqrt(g.values[c]!);
  }
  // S = T^T H T with H = W^T W.
  const h = gram(w, p, l);
  const s = smallEigen(multiply(transpose(t, l, r), multiply(h, t, l, l, r), r, l, r), r);
  const v = multiply(w, multiply(t, s.vectors, l, r, r), p, l, r);
  for (let c = 0; c < r; c++) {
    const inv = 1 / Math.sqrt(Math.max(s.values[c]!, Number.MIN_VALUE));
    for (let i = 0; i < p; i++) v[i * r + c] = v[i * r + c]! * inv;
  }
  return sortedRows(s.values, Matrix.from1DArray(p, r, v), k);
}

import { Rng } from '@trainkit/core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { Arena, kernelModule } from './kernels/engine';

/**
 * Dense float64 linear algebra for the fit step (tfjs-core has no eigensolver).
 * We use ml-matrix's symmetric EVD — the JAMA algorithm (Householder tridiagonalisation, tred2,
 * then implicit QL, tql2; Golub & Van Loan §8.3): well-kept, dependency-free, float64, the same
 * in Node and the browser. The randomized range finder keeps its blocks column-major in flat
 * arrays, orthonormalised by our own Gram-Schmidt in wasm (ml-matrix's QR through get/set cost
 * ~1 s per fit at p = 3,072); the top-k exact solver is in tridiagonal.ts.
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
   * Computes `a Z` for a block `Z` of `cols` columns (the costly part), both column-major (`cols`
   * rows of `p`). Default: float64 JS. PCA passes a float32 backend `matMul`: the range finder
   * only needs directions, and the final Rayleigh-Ritz step always uses a float64 product.
   */
  multiply?: (z: Float64Array, cols: number) => Float64Array;
}

/**
 * `a Z` for the symmetric row-major `p x p` matrix `a` and a column-major block `Z` (`cols`
 * columns of `p`, each contiguous), column-major: column j is `sum_k Z[k][j] a[k]` (rows of a
 * symmetric matrix are its columns), float64.
 */
export function multiplySquare(
  a: Float64Array,
  p: number,
  z: Float64Array,
  cols: number,
): Float64Array {
  const out = new Float64Array(cols * p);
  for (let j = 0; j < cols; j++) {
    const o = j * p;
    for (let k = 0; k < p; k++) {
      const zk = z[o + k]!;
      if (zk === 0) continue;
      const row = k * p;
      for (let i = 0; i < p; i++) out[o + i] = out[o + i]! + zk * a[row + i]!;
    }
  }
  return out;
}

/** `sum_r a[ao + r] b[bo + r]` over `p` values. */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, p: number): number {
  let s0 = 0;
  let s1 = 0;
  let r = 0;
  for (; r + 1 < p; r += 2) {
    s0 += a[ao + r]! * b[bo + r]!;
    s1 += a[ao + r + 1]! * b[bo + r + 1]!;
  }
  if (r < p) s0 += a[ao + r]! * b[bo + r]!;
  return s0 + s1;
}

/**
 * Orthonormal basis of the columns of a column-major block (`cols` columns of `p`, each
 * contiguous): Gram-Schmidt with one full re-orthogonalisation ("twice is enough", Giraud et
 * al. 2005), in float64 by the wasm SIMD kernel `orthcol` (JavaScript where WebAssembly SIMD is
 * missing). A column that vanishes against the previous ones (rank-deficient data) is replaced
 * by a coordinate vector orthogonalised the same way, so the basis stays full.
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
    if (ps === p) t.set(y.subarray(0, cols * p));
    else {
      t.fill(0);
      for (let c = 0; c < cols; c++) t.set(y.subarray(c * p, (c + 1) * p), c * ps);
    }
  } else {
    t = y.slice(0, cols * p);
  }
  let next = 0; // the next coordinate vector to try for a vanished column
  for (let j = 0; j < cols; j++) {
    const v = t.subarray(j * ps, j * ps + p);
    let n0 = dot(v, 0, v, 0, p);
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
  if (ps === p) return t.slice();
  const q = new Float64Array(cols * p);
  for (let c = 0; c < cols; c++) q.set(t.subarray(c * ps, c * ps + p), c * p);
  return q;
}

/**
 * Column `j` of the column-contiguous `t` (`p` rows per column) orthogonalised against columns
 * `0 .. j-1`, twice; returns its squared norm. (The wasm kernel `orthcol` does the same.)
 */
function orthogonalizeColumn(t: Float64Array, p: number, j: number): number {
  const v = j * p;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < j; i++) {
      const d = dot(t, i * p, t, v, p);
      for (let r = 0; r < p; r++) t[v + r] = t[v + r]! - d * t[i * p + r]!;
    }
  }
  return dot(t, v, t, v, p);
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
  /**
   * `A Z` for a column-major block `Z` (`cols` columns of `p`), column-major (may be
   * float32-accurate: directions only).
   */
  times(z: Float64Array, cols: number): Float64Array;
  /** `A Z` for the final Rayleigh-Ritz step, as exact as possible (default: `times`). */
  timesExact?(z: Float64Array, cols: number): Float64Array;
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
  const exact = (z: Float64Array, cols: number) => multiplySquare(a, p, z, cols);
  return randomizedEigenOf({ p, times: options.multiply ?? exact, timesExact: exact }, k, options);
}

/**
 * Symmetric `l x l` matrix of column dot products of column-major blocks: entry (i, j) is
 * `(a_i . b_j + a_j . b_i) / 2` (`b` omitted: the Gram `a_i . a_j`).
 */
function columnProducts(a: Float64Array, b: Float64Array | undefined, p: number, l: number) {
  const out = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let j = i; j < l; j++) {
      const v = b
        ? (dot(a, i * p, b, j * p, p) + dot(a, j * p, b, i * p, p)) / 2
        : dot(a, i * p, a, j * p, p);
      out[i * l + j] = v;
      out[j * l + i] = v;
    }
  }
  return out;
}

/**
 * The first `k` columns `sum_i m[i][c] w_i` of `W M`, `w` column-major (`l` columns of `p`), `m`
 * row-major `l x r`; column-major.
 */
function combineColumns(
  w: Float64Array,
  m: Float64Array,
  p: number,
  l: number,
  r: number,
  k: number,
): Float64Array {
  const out = new Float64Array(k * p);
  for (let c = 0; c < k; c++) {
    const o = c * p;
    for (let i = 0; i < l; i++) {
      const f = m[i * r + c]!;
      if (f === 0) continue;
      const wi = i * p;
      for (let x = 0; x < p; x++) out[o + x] = out[o + x]! + f * w[wi + x]!;
    }
  }
  return out;
}

/** `a (rows x m) * b (m x c)`, row-major float64 (small matrices). */
function multiply(a: Float64Array, b: Float64Array, rows: number, m: number, c: number) {
  const out = new Float64Array(rows * c);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < m; i++) {
      const ari = a[r * m + i]!;
      if (ari === 0) continue;
      for (let j = 0; j < c; j++) out[r * c + j] = out[r * c + j]! + ari * b[i * c + j]!;
    }
  }
  return out;
}

/** Eigenpairs of a small symmetric matrix (symmetrised against rounding), largest first; vectors as columns of a row-major `l x l`. */
function smallEigen(m: Float64Array, l: number): { values: number[]; vectors: Float64Array } {
  const b = Matrix.from1DArray(l, l, m);
  const evd = new EigenvalueDecomposition(b.add(b.transpose()).mul(0.5), {
    assumeSymmetric: true,
  });
  const order = evd.realEigenvalues
    .map((_, i) => i)
    .sort((x, y) => evd.realEigenvalues[y]! - evd.realEigenvalues[x]!);
  const vectors = new Float64Array(l * l);
  for (let i = 0; i < l; i++)
    for (let c = 0; c < l; c++) vectors[i * l + c] = evd.eigenvectorMatrix.get(i, order[c]!);
  return { values: order.map((c) => evd.realEigenvalues[c]!), vectors };
}

/**
 * The first `k` of the given pairs (already largest first), `vectors` column-major (`k` columns
 * of `p`), each with its largest-magnitude entry made positive (as scikit-learn >= 1.5).
 */
function signedPairs(values: number[], vectors: Float64Array, p: number, k: number): EigenPairs {
  const out: EigenPairs = { values: new Float64Array(k), vectors: new Float64Array(k * p) };
  for (let c = 0; c < k; c++) {
    out.values[c] = values[c]!;
    let big = 0;
    for (let i = 0; i < p; i++)
      if (Math.abs(vectors[c * p + i]!) > Math.abs(big)) big = vectors[c * p + i]!;
    const s = big < 0 ? -1 : 1;
    for (let i = 0; i < p; i++) out.vectors[c * p + i] = s * vectors[c * p + i]!;
  }
  return out;
}

/**
 * The top `k` eigenpairs of an operator given by its products (`A` may be the scatter
 * `Xc^T Xc` of data that is never formed: each `times` is two passes over the data), by
 * randomized subspace iteration: Halko, Martinsson & Tropp (2011), "Finding structure with
 * randomness", Alg. 4.4 (range finder, re-orthonormalised after each product) and Alg. 5.3.
 *
 * `Z` starts as an orthonormal random `p x l` block and `iterations` products give
 * `Z = orth(A^iterations Omega)`. One more product `W = A Z` then spans `A^(iterations+1) Omega`,
 * and the Rayleigh-Ritz step needs no further product: with `G = Z^T W` and `H = W^T W`, the
 * pencil `H c = theta G c` gives the Ritz values `theta` and the unit Ritz vectors
 * `W c / sqrt(theta)`. For `A = X^T X` this is the SVD of `Q^T X` that scikit-learn forms (`Q`
 * an orthonormal basis of `X Z`), so `iterations + 1` products in all, as scikit-learn's
 * `n_iter = iterations` takes. Where `G` is numerically singular (data of rank below `k`), the
 * Ritz pairs of `G` on the span of `Z` are returned. Blocks are column-major throughout.
 */
export function randomizedEigenOf(
  op: SymmetricOperator,
  k: number,
  options: Omit<RandomizedOptions, 'multiply'>,
): EigenPairs {
  const p = op.p;
  const l = Math.min(p, k + options.oversamples);
  const rng = new Rng(options.seed);
  let z: Float64Array = new Float64Array(l * p);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal();
  z = orthonormalize(z, p, l);
  for (let it = 0; it < options.iterations; it++) z = orthonormalize(op.times(z, l), p, l);
  const w = (op.timesExact ?? op.times)(z, l);
  const g = smallEigen(columnProducts(z, w, p, l), l);
  const top = Math.max(g.values[0]!, 0);
  let r = 0;
  while (r < l && g.values[r]! > 1e-10 * top) r++;
  if (r < k) {
    // Rank below k: Rayleigh-Ritz of A on span(Z) itself.
    return signedPairs(g.values, combineColumns(z, g.vectors, p, l, l, k), p, k);
  }
  // T = E_r Lambda_r^(-1/2): G's congruence to the identity on its range; S = T^T H T.
  const t = new Float64Array(l * r);
  for (let i = 0; i < l; i++) {
    for (let c = 0; c < r; c++) t[i * r + c] = g.vectors[i * l + c]! / Math.sqrt(g.values[c]!);
  }
  const tT = new Float64Array(r * l);
  for (let i = 0; i < l; i++) for (let c = 0; c < r; c++) tT[c * l + i] = t[i * r + c]!;
  const h = columnProducts(w, undefined, p, l);
  const s = smallEigen(multiply(tT, multiply(h, t, l, l, r), r, l, r), r);
  // Ritz vectors W T U / sqrt(theta).
  const m = multiply(t, s.vectors, l, r, r);
  for (let c = 0; c < r; c++) {
    const inv = 1 / Math.sqrt(Math.max(s.values[c]!, Number.MIN_VALUE));
    for (let i = 0; i < l; i++) m[i * r + c] = m[i * r + c]! * inv;
  }
  return signedPairs(s.values, combineColumns(w, m, p, l, r, k), p, k);
}

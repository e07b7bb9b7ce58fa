import { choleskyFactor, Rng, solveLower, solveLowerTransposed } from '@trainkit/core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { Arena, type LinalgExports, linalgModule } from './kernels/engine';
import { topSymmetricEigen } from './tridiagonal';

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
   * rows of `p`). Default: float64 ({@link multiplySquare}). PCA passes a float32 backend
   * `matMul`: the range finder only needs directions, and the final Rayleigh-Ritz step always
   * uses a float64 product.
   */
  multiply?: (z: Float64Array, cols: number) => Float64Array;
  /** See {@link randomizedEigenOf}. Default `'krylov'`. */
  rangeFinder?: RangeFinder;
}

/**
 * `a Z` for the symmetric row-major `p x p` matrix `a` and a column-major block `Z` (`cols`
 * columns of `p`, each contiguous), column-major, float64: entry (i, j) is `z_j . a_i` (rows of
 * a symmetric matrix are its columns), by {@link ColumnStore.cross} in a memory of its own.
 */
export function multiplySquare(
  a: Float64Array,
  p: number,
  z: Float64Array,
  cols: number,
): Float64Array {
  const store = new ColumnStore(p, p + cols, cols * p, true);
  store.put(a, 0, p);
  store.put(z, p, cols);
  return store.cross(p, 0, cols, p, false);
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
 * Float64 columns of `p` values, `ps` apart (`ps` a multiple of 4, zeros past `p`), in the calling
 * thread's kernel memory: Gram-Schmidt and dot products run in wasm (`orthcol`, `cross`), or in
 * JavaScript where WebAssembly SIMD is missing. One shared store at a time (each starts at the
 * same place in that memory); `own` gives a store a memory of its own.
 */
class ColumnStore {
  readonly ps: number;
  private readonly plain: Float64Array | undefined;
  private readonly arena: Arena<LinalgExports> | undefined;
  /** The next coordinate vector to try for a vanished column. */
  private next = 0;

  constructor(
    readonly p: number,
    readonly columns: number,
    extra = 0,
    own = false,
  ) {
    const module = linalgModule();
    this.ps = module ? Math.ceil(p / 4) * 4 : p;
    if (module) {
      const bytes = 64 + 8 * (columns * this.ps + extra);
      this.arena = own ? new Arena<LinalgExports>(module, false, bytes) : orthArena(module, bytes);
      this.values.fill(0);
    } else {
      this.plain = new Float64Array(columns * this.ps);
    }
  }

  /** The columns (a fresh view: growing the memory detaches older ones). */
  get values(): Float64Array {
    return this.arena ? this.arena.f64(64, this.columns * this.ps) : (this.plain as Float64Array);
  }

  /** Copies the column-major `z` (`count` columns of `p`) into columns `from ..`. */
  put(z: Float64Array, from: number, count: number): void {
    const { p, ps } = this;
    if (ps === p) this.values.set(z.subarray(0, count * p), from * p);
    else
      for (let c = 0; c < count; c++)
        this.values.set(z.subarray(c * p, (c + 1) * p), (from + c) * ps);
  }

  /** Columns `from .. from + count` as a column-major block of `p`-value columns. */
  get(from: number, count: number): Float64Array {
    const { p, ps } = this;
    if (ps === p) return this.values.slice(from * p, (from + count) * p);
    const out = new Float64Array(count * p);
    for (let c = 0; c < count; c++)
      out.set(this.values.subarray((from + c) * ps, (from + c) * ps + p), c * p);
    return out;
  }

  /**
   * Orthonormalises columns `from .. to` against all columns before each (Gram-Schmidt twice). A
   * column that vanishes against the previous ones (rank-deficient data) is replaced by a
   * coordinate vector orthogonalised the same way, so the basis stays full.
   */
  orthonormalize(from: number, to: number): void {
    const { p, ps, values } = this;
    for (let j = from; j < to; j++) {
      const v = values.subarray(j * ps, j * ps + p);
      let n0 = dot(v, 0, v, 0, p);
      for (let attempt = 0; ; attempt++) {
        const n = this.arena
          ? this.arena.kernels.orthcol(64, ps, j)
          : orthogonalizeColumn(values, p, j);
        if (n > 1e-24 * n0 && n > 0) {
          const inv = 1 / Math.sqrt(n);
          for (let r = 0; r < p; r++) v[r] = v[r]! * inv;
          break;
        }
        if (attempt >= p) throw new Error('orthonormalize: no independent direction left');
        v.fill(0);
        v[this.next++ % p] = 1;
        n0 = 1;
      }
    }
  }

  /**
   * The `na x nb` dot products of columns `a ..` with columns `b ..` (symmetric `na x na`,
   * mirrored from the upper triangle, when `upper`).
   */
  cross(a: number, b: number, na: number, nb: number, upper: boolean): Float64Array {
    const { p, ps } = this;
    let out: Float64Array;
    if (this.arena) {
      const at = 64 + 8 * this.columns * ps;
      this.arena.kernels.cross(64 + 8 * a * ps, 64 + 8 * b * ps, ps, na, nb, at, upper ? 1 : 0);
      out = this.arena.f64(at, na * nb).slice();
    } else {
      out = new Float64Array(na * nb);
      for (let i = 0; i < na; i++)
        for (let j = upper ? i : 0; j < nb; j++)
          out[i * nb + j] = dot(this.values, (a + i) * ps, this.values, (b + j) * ps, p);
    }
    if (upper)
      for (let i = 0; i < na; i++) for (let j = 0; j < i; j++) out[i * nb + j] = out[j * nb + i]!;
    return out;
  }
}

/**
 * Orthonormal basis of the columns of a column-major block (`cols` columns of `p`, each
 * contiguous): Gram-Schmidt with one full re-orthogonalisation ("twice is enough", Giraud et
 * al. 2005), in float64 by the wasm SIMD kernel `orthcol` (JavaScript where WebAssembly SIMD is
 * missing). A column that vanishes against the previous ones (rank-deficient data) is replaced
 * by a coordinate vector orthogonalised the same way, so the basis stays full.
 */
export function orthonormalize(y: Float64Array, p: number, cols: number): Float64Array {
  const store = new ColumnStore(p, cols);
  store.put(y, 0, cols);
  store.orthonormalize(0, cols);
  return store.get(0, cols);
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

let orthMemory: Arena<LinalgExports> | undefined;

/** The calling thread's kernel memory for {@link ColumnStore}, grown to `bytes`. */
function orthArena(module: WebAssembly.Module, bytes: number): Arena<LinalgExports> {
  orthMemory ??= new Arena<LinalgExports>(module, false, bytes);
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

/** How the randomized solver builds its subspace. */
export type RangeFinder = 'krylov' | 'subspace';

/**
 * The top `k` eigenpairs of an operator given by its products (`A` may be the scatter
 * `Xc^T Xc` of data that is never formed: each `times` is two passes over the data), from a
 * random start `Omega` of `l = k + oversamples` orthonormal columns and `iterations + 1` products
 * with `A`, by one of two range finders:
 *
 * - `'subspace'`: randomized subspace iteration, Halko, Martinsson & Tropp (2011), Alg. 4.4
 *   (re-orthonormalised after each product) and 5.3: `Z = orth(A^iterations Omega)` and
 *   `W = A Z`, the subspace scikit-learn's `randomized_svd` reaches with `n_iter = iterations`.
 * - `'krylov'` (default): randomized block Krylov, Musco & Musco (2015), "Randomized block
 *   Krylov methods for stronger and faster approximate singular value decomposition": the basis
 *   `B` of `[Omega, A Omega, ..., A^iterations Omega]`, each new block orthonormalised against all
 *   before it (Gram-Schmidt twice, i.e. block Lanczos with full re-orthogonalisation), and
 *   `W = A B` from the same products. For a given number of products it is far more accurate:
 *   on Fashion-MNIST and the CIFAR subset with k = 50, 4 products gave 10-30x smaller errors in
 *   the 50 eigenvalues than subspace iteration with 8. Where `(iterations + 1) l > p` it falls
 *   back to subspace iteration.
 *
 * Either way the Rayleigh-Ritz step on span(W) needs no further product: with `G = B^T W` and
 * `H = W^T W`, the pencil `H c = theta G c` gives the Ritz values `theta` and the unit Ritz
 * vectors `W c / sqrt(theta)` (for `A = X^T X`, the SVD of `Q^T X` with `Q` an orthonormal basis
 * of `X B`, as scikit-learn forms it). Where `G` is numerically singular (data of rank below `k`),
 * the Ritz pairs of `G` on span(B) are returned. Blocks are column-major throughout.
 */
export function randomizedEigenOf(
  op: SymmetricOperator,
  k: number,
  options: Omit<RandomizedOptions, 'multiply'>,
): EigenPairs {
  const p = op.p;
  const l = Math.min(p, k + options.oversamples);
  const krylov =
    (options.rangeFinder ?? 'krylov') === 'krylov' && (options.iterations + 1) * l <= p;
  const blocks = krylov ? options.iterations + 1 : 1;
  const m = blocks * l;
  // Columns 0..m: the basis B; m..2m: W = A B; then room for an m x m result.
  const store = new ColumnStore(p, 2 * m, m * m);
  const rng = new Rng(options.seed);
  const omega = new Float64Array(l * p);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal();
  store.put(omega, 0, l);
  store.orthonormalize(0, l);
  if (krylov) {
    for (let b = 0; b < blocks; b++) {
      const w = (b === blocks - 1 ? (op.timesExact ?? op.times) : op.times)(store.get(b * l, l), l);
      store.put(w, m + b * l, l);
      if (b + 1 < blocks) {
        store.put(w, (b + 1) * l, l);
        store.orthonormalize((b + 1) * l, (b + 2) * l);
      }
    }
  } else {
    for (let it = 0; it < options.iterations; it++) {
      store.put(op.times(store.get(0, l), l), 0, l);
      store.orthonormalize(0, l);
    }
    store.put((op.timesExact ?? op.times)(store.get(0, l), l), m, l);
  }
  return ritzPairs(store, m, k);
}

/**
 * Rayleigh-Ritz for the pencil `(W^T W) c = theta (B^T W) c` with the basis `B` in columns
 * `0..m` of `store` and `W = A B` in columns `m..2m`: the top `k` pairs. `G = B^T W = L L^T`
 * (Cholesky) turns it into the symmetric `S y = theta y`, `S = L^-1 H L^-T`, `c = L^-T y`, whose
 * top `k` pairs come from the tridiagonal solver; where `G` is not numerically positive
 * definite (data of rank below `m`), an eigendecomposition of `G` restricts the pencil to its
 * range instead.
 */
function ritzPairs(store: ColumnStore, m: number, k: number): EigenPairs {
  const p = store.p;
  const g = store.cross(0, m, m, m, true);
  const h = store.cross(m, m, m, m, true);
  let diag = 0;
  for (let i = 0; i < m; i++) diag = Math.max(diag, g[i * m + i]!);
  // Not numerically positive definite when a pivot falls below 1e-10 of the largest diagonal.
  const l = choleskyFactor(g, m, { minPivot: 1e-10 * diag });
  if (l) {
    // X = L^-1 H, then S = L^-1 X^T (= X L^-T, symmetric).
    const x = solveLower(l, h, m, m);
    const xT = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) xT[j * m + i] = x[i * m + j]!;
    const sm = solveLower(l, xT, m, m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < i; j++) {
        const v = (sm[i * m + j]! + sm[j * m + i]!) / 2;
        sm[i * m + j] = v;
        sm[j * m + i] = v;
      }
    }
    const top = k <= m / 2 ? topSymmetricEigen(sm, m, k) : symmetricEigen(sm, m);
    // c_j = L^-T y_j / sqrt(theta_j), as an m x k matrix (column j).
    const y = new Float64Array(m * k);
    for (let j = 0; j < k; j++) {
      const inv = 1 / Math.sqrt(Math.max(top.values[j]!, Number.MIN_VALUE));
      for (let i = 0; i < m; i++) y[i * k + j] = top.vectors[j * m + i]! * inv;
    }
    const c = solveLowerTransposed(l, y, m, k);
    return signedPairs([...top.values], combineColumns(store.get(m, m), c, p, m, k, k), p, k);
  }
  const ge = smallEigen(g, m);
  const big = Math.max(ge.values[0]!, 0);
  let r = 0;
  while (r < m && ge.values[r]! > 1e-10 * big) r++;
  if (r < k) {
    // Rank below k: Rayleigh-Ritz of A on span(B) itself.
    return signedPairs(ge.values, combineColumns(store.get(0, m), ge.vectors, p, m, m, k), p, k);
  }
  // T = E_r Lambda_r^(-1/2): G's congruence to the identity on its range; S = T^T H T.
  const t = new Float64Array(m * r);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < r; c++) t[i * r + c] = ge.vectors[i * m + c]! / Math.sqrt(ge.values[c]!);
  }
  const tT = new Float64Array(r * m);
  for (let i = 0; i < m; i++) for (let c = 0; c < r; c++) tT[c * m + i] = t[i * r + c]!;
  const s = smallEigen(multiply(tT, multiply(h, t, m, m, r), r, m, r), r);
  // Ritz vectors W T U / sqrt(theta).
  const u = multiply(t, s.vectors, m, r, r);
  for (let c = 0; c < r; c++) {
    const inv = 1 / Math.sqrt(Math.max(s.values[c]!, Number.MIN_VALUE));
    for (let i = 0; i < m; i++) u[i * r + c] = u[i * r + c]! * inv;
  }
  return signedPairs(s.values, combineColumns(store.get(m, m), u, p, m, r, k), p, k);
}

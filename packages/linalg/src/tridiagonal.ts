import { Arena } from './kernels/arena';
import { type LinalgExports, linalgModule } from './kernels/module';
import type { EigenPairs } from './symmetric-eigen';

/**
 * The top `k` eigenpairs of a symmetric `p x p` matrix in float64, without the O(p^3) cost of
 * all eigenvectors — the route of LAPACK's dsyevx (Golub & Van Loan, 4th ed., §8.3-8.4):
 * 1. Householder tridiagonalisation `A = H T H^T` (`4/3 p^3` multiply-adds, lower triangle);
 * 2. the top `k` eigenvalues of `T` by bisection on Sturm counts (each to full precision);
 * 3. their eigenvectors of `T` by inverse iteration (tridiagonal LU with partial pivoting),
 *    re-orthogonalised within clusters of close eigenvalues as dstein does;
 * 4. back-transformation by the stored reflectors, `k p^2`.
 * A full decomposition (ml-matrix's tql2) also accumulates `p x p` rotations: ~3x the work of
 * step 1, which this skips when only a few components are wanted.
 */
export function topSymmetricEigen(a: Float64Array, p: number, k: number): EigenPairs {
  const { d, e, reflectors } = tridiagonalize(a, p);
  const norm = tridiagonalNorm(d, e);
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = kthLargest(d, e, i, norm);
  const z = inverseIteration(d, e, values, norm);
  backTransform(reflectors, p, z, k);
  const vectors = new Float64Array(k * p);
  for (let r = 0; r < k; r++) {
    // Deterministic sign: the largest-magnitude entry positive (as the other solvers).
    let big = 0;
    for (let i = 0; i < p; i++) if (Math.abs(z[r * p + i]!) > Math.abs(big)) big = z[r * p + i]!;
    const s = big < 0 ? -1 : 1;
    for (let i = 0; i < p; i++) vectors[r * p + i] = s * z[r * p + i]!;
  }
  return { values, vectors };
}

interface Tridiagonal {
  d: Float64Array;
  e: Float64Array;
  /** Reflector `j` acts on entries `j+1..p-1`: `H_j = I - beta_j v_j v_j^T`. */
  reflectors: { v: Float64Array; beta: number }[];
}

/**
 * Householder reduction of the symmetric row-major `a` (left untouched) to tridiagonal form,
 * on the lower triangle only. Each step's rank-2 update of the trailing block and the next
 * step's product (trailing block) x (next reflector) share one sweep over the block, so the
 * matrix is streamed once per step instead of twice.
 */
export function tridiagonalize(a: Float64Array, p: number, useKernels = true): Tridiagonal {
  // The matrix and the step's vectors in wasm memory where the float64 kernels run (the sweep
  // below is `tridrest` there), else in plain arrays.
  const module = p > 2 && useKernels ? linalgModule() : undefined;
  const arena = module
    ? new Arena<LinalgExports>(module, false, 64 + 8 * (p * p + 4 * p + 8))
    : undefined;
  const vecAt = (i: number) => 64 + 8 * (p * p + i * p);
  const w = arena ? arena.f64(64, p * p) : a.slice();
  if (arena) w.set(a.subarray(0, p * p));
  const d = new Float64Array(p);
  const e = new Float64Array(Math.max(p - 1, 0));
  const reflectors: Tridiagonal['reflectors'] = [];
  if (p === 0) return { d, e, reflectors };
  d[0] = w[0]!;
  if (p === 1) return { d, e, reflectors };
  let { v, beta } = reflect(w, p, 0, e);
  reflectors.push({ v, beta });
  // q = beta B v for the block starting at row/column 1.
  let q: Float64Array = new Float64Array(p - 1);
  for (let r = 0; r < p - 1; r++) {
    const row = (1 + r) * p + 1;
    const vr = v[r]!;
    let s = 0;
    for (let c = 0; c < r; c++) {
      const b = w[row + c]!;
      s += b * v[c]!;
      q[c] = q[c]! + b * vr;
    }
    q[r] = q[r]! + s + w[row + r]! * vr;
  }
  for (let r = 0; r < p - 1; r++) q[r] = beta * q[r]!;
  const u = new Float64Array(p);
  for (let j = 0; j < p - 2; j++) {
    // Step j's block starts at o (size m); its update is B <- B - v u^T - u v^T with
    // u = q - (beta/2)(v.q) v (Golub & Van Loan, 4th ed., Alg. 8.3.1).
    const o = j + 1;
    const m = p - o;
    let vq = 0;
    for (let r = 0; r < m; r++) vq += v[r]! * q[r]!;
    const half = 0.5 * beta * vq;
    for (let r = 0; r < m; r++) u[r] = q[r]! - half * v[r]!;
    // Column o first: the next reflector is made from it.
    for (let r = 0; r < m; r++) {
      const i = (o + r) * p + o;
      w[i] = w[i]! - v[r]! * u[0]! - u[r]! * v[0]!;
    }
    d[o] = w[o * p + o]!;
    const next = reflect(w, p, o, e);
    reflectors.push(next);
    const v2 = next.v;
    let q2: Float64Array;
    if (arena) {
      arena.f64(vecAt(0), m).set(u.subarray(0, m));
      arena.f64(vecAt(1), m).set(v.subarray(0, m));
      arena.f64(vecAt(2), m - 1).set(v2.subarray(0, m - 1));
      arena.f64(vecAt(3), m - 1).fill(0);
      arena.kernels.tridrest(64, p, o, m, vecAt(0), vecAt(1), vecAt(2), vecAt(3));
      q2 = arena.f64(vecAt(3), m - 1).slice();
    } else {
      q2 = sweep(w, p, o, m, u, v, v2);
    }
    for (let r = 0; r < m - 1; r++) q2[r] = next.beta * q2[r]!;
    v = v2;
    beta = next.beta;
    q = q2;
  }
  d[p - 1] = w[(p - 1) * p + p - 1]!;
  return { d, e, reflectors };
}

/**
 * The rest of step `o`'s block (size `m`): each entry of rows `1..m-1` gets the rank-2 update
 * `B -= v u^T + u v^T`, and is used at once for `q2 = B' v2` (returned), so the matrix is
 * streamed once per step. (The wasm kernel `tridrest` does the same.)
 */
function sweep(
  w: Float64Array,
  p: number,
  o: number,
  m: number,
  u: Float64Array,
  v: Float64Array,
  v2: Float64Array,
): Float64Array {
  const q2 = new Float64Array(m - 1);
  // The rest of the block: update each entry, and use it at once for q2 = B' v2. Two rows at
  // a time, so that u, v, v2 and q2 are loaded once per pair of rows.
  let r = 1;
  for (; r + 1 < m; r += 2) {
    const rowA = (o + r) * p + o;
    const rowB = rowA + p;
    const vA = v[r]!;
    const uA = u[r]!;
    const v2A = v2[r - 1]!;
    const vB = v[r + 1]!;
    const uB = u[r + 1]!;
    const v2B = v2[r]!;
    let sA = 0;
    let sB = 0;
    for (let c = 1; c < r; c++) {
      const uc = u[c]!;
      const vc = v[c]!;
      const v2c = v2[c - 1]!;
      const bA = w[rowA + c]! - vA * uc - uA * vc;
      const bB = w[rowB + c]! - vB * uc - uB * vc;
      w[rowA + c] = bA;
      w[rowB + c] = bB;
      sA += bA * v2c;
      sB += bB * v2c;
      q2[c - 1] = q2[c - 1]! + bA * v2A + bB * v2B;
    }
    const dA = w[rowA + r]! - vA * u[r]! - uA * v[r]!;
    const bB = w[rowB + r]! - vB * u[r]! - uB * v[r]!;
    w[rowA + r] = dA;
    w[rowB + r] = bB;
    sB += bB * v2A;
    q2[r - 1] = q2[r - 1]! + sA + dA * v2A + bB * v2B;
    const dB = w[rowB + r + 1]! - vB * u[r + 1]! - uB * v[r + 1]!;
    w[rowB + r + 1] = dB;
    q2[r] = q2[r]! + sB + dB * v2B;
  }
  for (; r < m; r++) {
    const row = (o + r) * p + o;
    const vr = v[r]!;
    const ur = u[r]!;
    const v2r = v2[r - 1]!;
    let s = 0;
    for (let c = 1; c < r; c++) {
      const b = w[row + c]! - vr * u[c]! - ur * v[c]!;
      w[row + c] = b;
      s += b * v2[c - 1]!;
      q2[c - 1] = q2[c - 1]! + b * v2r;
    }
    const diag = w[row + r]! - vr * u[r]! - ur * v[r]!;
    w[row + r] = diag;
    q2[r - 1] = q2[r - 1]! + s + diag * v2r;
  }
  return q2;
}

/**
 * The Householder reflector `I - beta v v^T` that maps column `j` below the diagonal
 * (`w[j+1.., j]`) to `(alpha, 0, ..., 0)`; sets `e[j] = alpha`. `beta = 0` when already reduced.
 */
function reflect(
  w: Float64Array,
  p: number,
  j: number,
  e: Float64Array,
): { v: Float64Array; beta: number } {
  const m = p - j - 1;
  const v = new Float64Array(m);
  for (let r = 0; r < m; r++) v[r] = w[(j + 1 + r) * p + j]!;
  let sigma = 0;
  for (let i = 1; i < m; i++) sigma += v[i]! * v[i]!;
  if (sigma === 0) {
    e[j] = v[0]!;
    return { v, beta: 0 };
  }
  const norm = Math.sqrt(v[0]! * v[0]! + sigma);
  const alpha = v[0]! > 0 ? -norm : norm;
  v[0] = v[0]! - alpha;
  e[j] = alpha;
  return { v, beta: 2 / (v[0]! * v[0]! + sigma) };
}

function tridiagonalNorm(d: Float64Array, e: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < d.length; i++) {
    const s =
      Math.abs(d[i]!) + (i > 0 ? Math.abs(e[i - 1]!) : 0) + (i < e.length ? Math.abs(e[i]!) : 0);
    norm = Math.max(norm, s);
  }
  return norm;
}

/** Number of eigenvalues of T below `x` (Sturm count of the LDL^T pivots), guarded against 0 pivots. */
function countBelow(d: Float64Array, e: Float64Array, x: number, pivmin: number): number {
  let count = 0;
  let q = d[0]! - x;
  if (Math.abs(q) < pivmin) q = -pivmin;
  if (q < 0) count++;
  for (let i = 1; i < d.length; i++) {
    q = d[i]! - x - (e[i - 1]! * e[i - 1]!) / q;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) count++;
  }
  return count;
}

/** The `i`-th largest eigenvalue of T (i = 0: the largest) by bisection within the Gershgorin bounds. */
function kthLargest(d: Float64Array, e: Float64Array, i: number, norm: number): number {
  const n = d.length;
  const target = n - i; // the eigenvalue with exactly target - 1 below it
  const pivmin = 2.2250738585072014e-308 * Math.max(1, norm * norm);
  let lo = -norm - pivmin;
  let hi = norm + pivmin;
  const floor = 1e-3 * Number.EPSILON * norm;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    const width = hi - lo;
    if (
      mid === lo ||
      mid === hi ||
      width <= 2 * Number.EPSILON * Math.max(Math.abs(lo), Math.abs(hi)) ||
      width <= floor
    ) {
      break;
    }
    if (countBelow(d, e, mid, pivmin) >= target) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Eigenvectors of T for the given eigenvalues (decreasing) by inverse iteration, rows of the
 * returned `k x n` array. Close eigenvalues (within 1e-3 ||T||, dstein's cluster test) are
 * separated by a tiny shift and their vectors re-orthogonalised (modified Gram-Schmidt).
 */
function inverseIteration(
  d: Float64Array,
  e: Float64Array,
  values: Float64Array,
  norm: number,
): Float64Array {
  const n = d.length;
  const k = values.length;
  const z = new Float64Array(k * n);
  const eps3 = Math.max(norm, Number.MIN_VALUE) * Number.EPSILON;
  const cluster = 1e-3 * norm;
  const u0 = new Float64Array(n);
  const u1 = new Float64Array(n);
  const u2 = new Float64Array(n);
  const l = new Float64Array(n);
  const swap = new Uint8Array(n);
  const y = new Float64Array(n);
  let start = 0; // first vector of the current cluster
  let prev = Number.NaN;
  for (let j = 0; j < k; j++) {
    let lambda = values[j]!;
    if (j > 0 && prev - lambda > cluster) start = j;
    if (j > 0 && prev - lambda < eps3) lambda = prev - eps3;
    prev = lambda;
    factor(d, e, lambda, eps3, u0, u1, u2, l, swap);
    // A fixed, non-special start vector (dstein uses random ones).
    for (let i = 0; i < n; i++) y[i] = 1 + ((i * 7919 + j * 104729) % 1000) / 2000;
    for (let it = 0; it < 4; it++) {
      solve(u0, u1, u2, l, swap, y);
      for (let c = start; c < j; c++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += y[i]! * z[c * n + i]!;
        for (let i = 0; i < n; i++) y[i] = y[i]! - dot * z[c * n + i]!;
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += y[i]! * y[i]!;
      const inv = 1 / Math.sqrt(s);
      for (let i = 0; i < n; i++) y[i] = y[i]! * inv;
    }
    z.set(y, j * n);
  }
  return z;
}

/** LU with partial pivoting of T - lambda I (U has two superdiagonals); zero pivots become eps3. */
function factor(
  d: Float64Array,
  e: Float64Array,
  lambda: number,
  eps3: number,
  u0: Float64Array,
  u1: Float64Array,
  u2: Float64Array,
  l: Float64Array,
  swap: Uint8Array,
): void {
  const n = d.length;
  let diag = d[0]! - lambda;
  let sup = n > 1 ? e[0]! : 0;
  for (let i = 0; i < n - 1; i++) {
    const sub = e[i]!;
    const nextDiag = d[i + 1]! - lambda;
    const nextSup = i + 1 < n - 1 ? e[i + 1]! : 0;
    if (Math.abs(diag) >= Math.abs(sub)) {
      if (diag === 0) diag = eps3;
      const m = sub / diag;
      l[i] = m;
      swap[i] = 0;
      u0[i] = diag;
      u1[i] = sup;
      u2[i] = 0;
      diag = nextDiag - m * sup;
      sup = nextSup;
    } else {
      const m = diag / sub;
      l[i] = m;
      swap[i] = 1;
      u0[i] = sub;
      u1[i] = nextDiag;
      u2[i] = nextSup;
      diag = sup - m * nextDiag;
      sup = -m * nextSup;
    }
  }
  u0[n - 1] = diag === 0 ? eps3 : diag;
}

/** Solves (T - lambda I) x = y in place with the factors of {@link factor}. */
function solve(
  u0: Float64Array,
  u1: Float64Array,
  u2: Float64Array,
  l: Float64Array,
  swap: Uint8Array,
  y: Float64Array,
): void {
  const n = y.length;
  for (let i = 0; i < n - 1; i++) {
    if (swap[i]) {
      const t = y[i]!;
      y[i] = y[i + 1]!;
      y[i + 1] = t;
    }
    y[i + 1] = y[i + 1]! - l[i]! * y[i]!;
  }
  y[n - 1] = y[n - 1]! / u0[n - 1]!;
  if (n > 1) y[n - 2] = (y[n - 2]! - u1[n - 2]! * y[n - 1]!) / u0[n - 2]!;
  for (let i = n - 3; i >= 0; i--) {
    y[i] = (y[i]! - u1[i]! * y[i + 1]! - u2[i]! * y[i + 2]!) / u0[i]!;
  }
}

/** z_r <- H_0 H_1 ... H_{p-2} z_r for each of the `k` rows of z (eigenvectors of T -> of A). */
function backTransform(
  reflectors: Tridiagonal['reflectors'],
  p: number,
  z: Float64Array,
  k: number,
): void {
  for (let j = reflectors.length - 1; j >= 0; j--) {
    const { v, beta } = reflectors[j]!;
    if (beta === 0) continue;
    const o = j + 1;
    for (let r = 0; r < k; r++) {
      const base = r * p + o;
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i]! * z[base + i]!;
      s *= beta;
      for (let i = 0; i < v.length; i++) z[base + i] = z[base + i]! - s * v[i]!;
    }
  }
}

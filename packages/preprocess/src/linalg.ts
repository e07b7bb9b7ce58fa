import { Rng } from '@trainkit/core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

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
 * Orthonormal basis of the columns of a row-major `p x cols` block: classical Gram-Schmidt with
 * one full re-orthogonalisation ("twice is enough", Giraud et al. 2005), on the transposed
 * (column-contiguous) copy. A column that vanishes against the previous ones (rank-deficient
 * data) is replaced by a coordinate vector orthogonalised the same way, so the basis stays full.
 */
export function orthonormalize(y: Float64Array, p: number, cols: number): Float64Array {
  const t = new Float64Array(cols * p);
  for (let r = 0; r < p; r++) for (let c = 0; c < cols; c++) t[c * p + r] = y[r * cols + c]!;
  let next = 0; // the next coordinate vector to try for a vanished column
  for (let j = 0; j < cols; j++) {
    const v = t.subarray(j * p, (j + 1) * p);
    let n0 = 0;
    for (let r = 0; r < p; r++) n0 += v[r]! * v[r]!;
    for (let attempt = 0; ; attempt++) {
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
  for (let r = 0; r < p; r++) for (let c = 0; c < cols; c++) q[r * cols + c] = t[c * p + r]!;
  return q;
}

/** A symmetric positive semi-definite `p x p` operator known only through products. */
export interface SymmetricOperator {
  p: number;
  /** `A q` for a row-major `p x cols` block `q` (may be float32-accurate: directions only). */
  times(q: Float64Array, cols: number): Float64Array;
  /** `q^T A q` (`cols x cols`) for an orthonormal `q`: the Rayleigh-Ritz matrix, as exact as possible. */
  rayleigh(q: Float64Array, cols: number): Float64Array;
}

/**
 * The top `k` eigenpairs of the symmetric positive semi-definite `p x p` matrix `a` by
 * randomized subspace iteration: Halko, Martinsson & Tropp (2011), "Finding structure with
 * randomness", Alg. 4.4 (range finder with QR re-orthonormalisation after each product with `a`)
 * followed by Alg. 5.3 (the small eigenproblem B = Q^T A Q). Cost O(p^2 (k + oversamples)) per
 * iteration instead of the O(p^3) of a full decomposition.
 */
export function randomizedEigen(
  a: Float64Array,
  p: number,
  k: number,
  options: RandomizedOptions,
): EigenPairs {
  return randomizedEigenOf(
    {
      p,
      times: options.multiply ?? ((q, cols) => multiplySquare(a, p, q, cols)),
      // Rayleigh-Ritz in float64: B = Q^T (A Q).
      rayleigh: (q, l) => {
        const aq = multiplySquare(a, p, q, l);
        const b = new Float64Array(l * l);
        for (let r = 0; r < p; r++) {
          for (let i = 0; i < l; i++) {
            const qi = q[r * l + i]!;
            for (let j = 0; j < l; j++) b[i * l + j] = b[i * l + j]! + qi * aq[r * l + j]!;
          }
        }
        return b;
      },
    },
    k,
    options,
  );
}

/**
 * {@link randomizedEigen} for an operator given by its products: `A` may be the scatter
 * `Xc^T Xc` of data that is never formed (each `times` is two passes over the data).
 */
export function randomizedEigenOf(
  op: SymmetricOperator,
  k: number,
  options: Omit<RandomizedOptions, 'multiply'>,
): EigenPairs {
  const p = op.p;
  const l = Math.min(p, k + options.oversamples);
  const rng = new Rng(options.seed);
  let q: Float64Array = new Float64Array(p * l);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  q = orthonormalize(op.times(q, l), p, l);
  for (let it = 0; it < options.iterations; it++) q = orthonormalize(op.times(q, l), p, l);
  const b = Matrix.from1DArray(l, l, op.rayleigh(q, l));
  // Symmetrised against rounding.
  const bs = b.add(b.transpose()).mul(0.5);
  const evd = new EigenvalueDecomposition(bs, { assumeSymmetric: true });
  const qv = Matrix.from1DArray(p, l, q).mmul(evd.eigenvectorMatrix);
  return sortedRows(evd.realEigenvalues, qv, k);
}

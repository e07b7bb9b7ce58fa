import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/*
 * The exact symmetric eigensolver (tfjs-core has none): ml-matrix's symmetric EVD — the JAMA
 * algorithm (Householder tridiagonalisation, tred2, then implicit QL, tql2; Golub & Van Loan
 * §8.3): well-kept, dependency-free, float64, the same in Node and the browser. The top-k exact
 * solver is in tridiagonal.ts, the randomized one in randomized-eigen.ts (its blocks kept
 * column-major in flat arrays, orthonormalised by our own Gram-Schmidt in wasm, column-store.ts:
 * ml-matrix's QR through get/set cost ~1 s per fit at p = 3,072).
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

/**
 * All eigenpairs of the symmetric `p x p` row-major matrix `a`, largest first, in float64; each
 * eigenvector's largest-magnitude entry is positive.
 * @example symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values // [3, 1]
 */
export function symmetricEigen(a: Float64Array, p: number): EigenPairs {
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(p, p, a), { assumeSymmetric: true });
  return sortedRows(evd.realEigenvalues, evd.eigenvectorMatrix, p);
}

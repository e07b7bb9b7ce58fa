import { type EigenPairs, symmetricEigen, topSymmetricEigen } from '@trainkit/linalg';
import type { PCAComponents, PCAEigenSolver, PCASolution } from './pca-solver';

/**
 * PCA's exact solver (`solver: 'full'`): an eigendecomposition of the covariance in float64.
 * For a count `k <= p / 2`, only the top `k` eigenpairs (Householder tridiagonalisation,
 * bisection, inverse iteration: `topSymmetricEigen`); otherwise all of them (`symmetricEigen`),
 * which a variance fraction needs: the fewest components whose explained-variance ratio sums
 * past it, as scikit-learn counts them.
 */
export function exactSolver(): PCAEigenSolver {
  return { name: 'full', fromCovariance };
}

function fromCovariance(cov: Float64Array, p: number, c: PCAComponents): PCASolution {
  if (c.count !== undefined && c.count <= p / 2) {
    // A few exact components: tridiagonalise, then only k eigenpairs (no p x p rotations).
    return { pairs: topSymmetricEigen(cov, p, c.count), k: c.count };
  }
  const pairs = symmetricEigen(cov, p);
  if (c.count !== undefined) return { pairs, k: c.count };
  if (c.fraction === undefined) return { pairs, k: c.max };
  return { pairs, k: Math.min(fractionCount(pairs, p, c.fraction, c.total), c.max) };
}

/** scikit-learn: `searchsorted(cumsum(ratio), fraction, side='right') + 1`. */
function fractionCount(pairs: EigenPairs, p: number, fraction: number, total: number): number {
  let cum = 0;
  let k = 1;
  for (let i = 0; i < p; i++) {
    cum += Math.max(pairs.values[i]!, 0) / total;
    if (cum <= fraction) k = i + 2;
    else break;
  }
  return k;
}

import type { EigenPairs, RangeFinder } from '@trainkit/linalg';
import type { CenteredRows } from './centered-rows';
import { exactSolver } from './pca-exact-solver';
import { randomizedSolver } from './pca-randomized-solver';

/** What the fitted PCA keeps of its components, as the solver resolved them. */
export interface PCAComponents {
  /** An integer count `>= 1` of components asked for, if one was. */
  count: number | undefined;
  /** A variance fraction in `(0, 1)` asked for, if one was (exact solver only). */
  fraction: number | undefined;
  /** The most components there can be, `min(nSamples, nFeatures)`. */
  max: number;
  /** The total variance, `trace(covariance)`. */
  total: number;
}

/** A solver's answer: the top eigenpairs of the covariance (largest first) and how many to keep. */
export interface PCASolution {
  pairs: EigenPairs;
  k: number;
}

/**
 * One way to find PCA's principal axes, the top eigenvectors of the sample covariance
 * (ddof 1). Every solver works from the `p x p` covariance; a solver may also work from the
 * centred rows of a one-shot `fit` without forming the covariance (`fromRows`; `undefined`
 * there means "use the covariance").
 */
export interface PCAEigenSolver {
  readonly name: 'full' | 'randomized';
  /** From the row-major `p x p` sample covariance `cov`. */
  fromCovariance(cov: Float64Array, p: number, components: PCAComponents): PCASolution;
  /**
   * From the centred data `Xc` of a one-shot fit (covariance `Xc^T Xc / (n - 1)`), or
   * `undefined` to form the covariance and call {@link fromCovariance}.
   */
  fromRows?(rows: CenteredRows, components: PCAComponents): PCASolution | undefined;
}

/** The PCA options that pick and tune a solver (see `PCAOptions`). */
export interface PCASolverChoice {
  solver: 'auto' | 'full' | 'randomized';
  nComponents: number | undefined;
  oversamples: number;
  iterations: number | 'auto';
  rangeFinder: RangeFinder;
  seed: number;
  sketch: 'auto' | 'data' | 'covariance';
}

/**
 * The solver for `n` samples of `p` features. `'auto'` is scikit-learn's rule: randomized when
 * `max(n, p) > 500` and `1 <= nComponents < 0.8 min(n, p)`, otherwise full. The randomized
 * solver's `iterations: 'auto'` is 3 for the Krylov range finder, and scikit-learn's rule for
 * subspace iteration (7 when `k < 0.1 min(n, p)`, else 4).
 */
export function choosePCASolver(choice: PCASolverChoice, n: number, p: number): PCAEigenSolver {
  const kOpt = choice.nComponents;
  const kMax = Math.min(n, p);
  let name: 'full' | 'randomized' = choice.solver === 'randomized' ? 'randomized' : 'full';
  if (choice.solver === 'auto' && Math.max(n, p) > 500 && kOpt !== undefined && kOpt >= 1) {
    name = kOpt < 0.8 * kMax ? 'randomized' : 'full';
  }
  if (name === 'full') return exactSolver();
  const k = kOpt ?? kMax;
  const sklearnRule = k < 0.1 * kMax ? 7 : 4;
  const iterations =
    choice.iterations !== 'auto'
      ? choice.iterations
      : choice.rangeFinder === 'krylov'
        ? 3
        : sklearnRule;
  return randomizedSolver({
    oversamples: choice.oversamples,
    iterations,
    seed: choice.seed,
    rangeFinder: choice.rangeFinder,
    sketch: choice.sketch,
  });
}

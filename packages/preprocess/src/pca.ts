import { assertNumber, assertOneOf, ConfigError, ValueRangeError } from '@trainkit/core';
import type { EigenPairs, RangeFinder } from '@trainkit/linalg';
import type { CenteredRows } from './centered-rows';
import { CovarianceTransform, type LinearMap } from './covariance-transform';
import type { CovarianceMoments } from './moments';
import { choosePCASolver, type PCAComponents, type PCAEigenSolver } from './pca-solver';

export type PCASolver = 'auto' | 'full' | 'randomized';
export type PCASketch = 'auto' | 'data' | 'covariance';

export interface PCAOptions {
  /**
   * Components to keep: an integer count `>= 1`, or a fraction in `(0, 1)` meaning "the fewest
   * components whose explained-variance ratio sums past this" (exact solver only).
   * Default: all, `min(nSamples, nFeatures)`.
   */
  nComponents?: number;
  /** Divide each projected coordinate by its standard deviation (unit variance out). Default `false`. */
  whiten?: boolean;
  /**
   * `'full'`: eigendecomposition of the covariance in float64 (for a count `k <= p / 2`, only the
   * top k eigenpairs: Householder tridiagonalisation, bisection, inverse iteration);
   * `'randomized'`: a random start refined by a few products with the covariance (see
   * `rangeFinder`);
   * `'auto'` (default): scikit-learn's rule — randomized when `max(nSamples, nFeatures) > 500`
   * and `1 <= nComponents < 0.8 * min(nSamples, nFeatures)`, otherwise full.
   */
  solver?: PCASolver;
  /** Randomized solver: extra random directions. Default 10 (as scikit-learn). */
  oversamples?: number;
  /**
   * Randomized solver: iterations, each one more product with the covariance (`iterations + 1`
   * in all). Default (`'auto'`): 3 for the Krylov range finder; for subspace iteration,
   * scikit-learn's rule, 7 when `k < 0.1 min(n, p)`, else 4.
   */
  iterations?: number | 'auto';
  /**
   * Randomized solver: `'krylov'` (default), randomized block Krylov (Musco & Musco 2015): the
   * span of `[Omega, A Omega, ..., A^iterations Omega]`, far more accurate per product (with k =
   * 50 on Fashion-MNIST and the CIFAR subset, its 4 products beat subspace iteration's 8 by
   * 10-30x in the eigenvalues); `'subspace'`, randomized subspace iteration (Halko et al. 2011),
   * the scheme of scikit-learn's `randomized_svd`. Krylov falls back to subspace iteration when
   * `(iterations + 1) (k + oversamples) > p`.
   */
  rangeFinder?: RangeFinder;
  /** Randomized solver: seed of the random test matrix. Default 0. */
  seed?: number;
  /**
   * Randomized solver in a one-shot `fit`: where the range finder runs.
   * `'covariance'`: form the `p x p` covariance (one symmetric `X^T X`, `n p^2` flops), then
   * iterate on it cheaply — and `partialFit` can add batches afterwards. `'data'`: iterate on the
   * centred data itself, `A q = Xc^T (Xc q)` (Halko et al. §5), `4 (iterations + 1) n p l` flops
   * with `l = k + oversamples`, no covariance kept (`partialFit` after such a `fit` is refused).
   * `'auto'` (default): `'data'` when `4 (iterations + 1) l < p` (fewer flops).
   * Streaming (`partialFit`) always uses the covariance.
   */
  sketch?: PCASketch;
}

interface PCAResult {
  solver: 'full' | 'randomized';
  nSamples: number;
  mean: Float64Array;
  /** `k x p`, rows are unit principal axes. */
  components: Float64Array;
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
}

/**
 * Principal component analysis (Pearson 1901; Hotelling 1933): projects centred data onto the
 * top eigenvectors of its sample covariance (ddof 1, as scikit-learn). Fitted in one call or
 * streamed over batches (covariance merged stably, see {@link CovarianceMoments}); components are
 * unique up to sign (here the largest entry of each is positive).
 *
 * @example
 * const pca = new PCA({ nComponents: 50, whiten: true }).fit(x); // x: [60000, 784]
 * const z = pca.transform(x);            // [60000, 50], unit variance per column
 * pca.explainedVarianceRatio;            // Float64Array(50)
 * const back = pca.inverseTransform(z);  // [60000, 784]
 */
export class PCA extends CovarianceTransform {
  readonly kind = 'preprocess.pca';
  readonly nComponentsOption: number | undefined;
  readonly whiten: boolean;
  readonly solver: PCASolver;
  readonly oversamples: number;
  readonly iterations: number | 'auto';
  readonly rangeFinder: RangeFinder;
  readonly seed: number;
  readonly sketch: PCASketch;
  private result: PCAResult | undefined;

  constructor(options: PCAOptions = {}) {
    super();
    const k = options.nComponents;
    if (k !== undefined) {
      assertNumber('nComponents', k, { min: 0, exclusiveMin: true });
      if (k >= 1 && !Number.isInteger(k)) {
        throw new ValueRangeError('must be an integer count or a fraction in (0, 1)', {
          argument: 'nComponents',
          expected: 'an integer >= 1 or a number in (0, 1)',
          received: k,
        });
      }
    }
    this.nComponentsOption = k;
    this.whiten = options.whiten ?? false;
    this.solver = assertOneOf('solver', options.solver ?? 'auto', ['auto', 'full', 'randomized']);
    if (this.solver === 'randomized' && k !== undefined && k < 1) {
      throw new ConfigError('a variance fraction needs the exact solver', {
        argument: 'nComponents',
        expected: "an integer count with solver 'randomized' (or solver 'full')",
        received: k,
      });
    }
    this.oversamples = assertNumber('oversamples', options.oversamples ?? 10, {
      min: 0,
      integer: true,
    });
    const it = options.iterations ?? 'auto';
    this.iterations =
      it === 'auto' ? it : assertNumber('iterations', it, { min: 0, integer: true });
    this.rangeFinder = assertOneOf('rangeFinder', options.rangeFinder ?? 'krylov', [
      'krylov',
      'subspace',
    ]);
    this.seed = assertNumber('seed', options.seed ?? 0, { min: 0, integer: true });
    this.sketch = assertOneOf('sketch', options.sketch ?? 'auto', ['auto', 'data', 'covariance']);
  }

  protected override validateFeatures(features: number): void {
    const k = this.nComponentsOption;
    if (k !== undefined && k >= 1 && k > features) {
      throw new ValueRangeError('more components than features', {
        argument: 'nComponents',
        expected: `an integer <= ${features} (the number of features)`,
        received: k,
      });
    }
  }

  private get res(): PCAResult {
    this.map('PCA attribute');
    return this.result as PCAResult;
  }

  get nSamples(): number {
    return this.moments?.count ?? this.result?.nSamples ?? 0;
  }
  /** Components kept. */
  get nComponents(): number {
    return this.res.explainedVariance.length;
  }
  /** The solver that ran (`'full'` or `'randomized'`), after `auto` chose. */
  get fittedSolver(): 'full' | 'randomized' {
    return this.res.solver;
  }
  /** Per-feature mean, length p. */
  get mean(): Float64Array {
    return this.res.mean.slice();
  }
  /** Principal axes, one unit row per component: `number[k][p]`. */
  get components(): number[][] {
    const { components, mean } = this.res;
    const p = mean.length;
    return Array.from({ length: this.nComponents }, (_, i) => [
      ...components.subarray(i * p, (i + 1) * p),
    ]);
  }
  /** Variance along each component (covariance eigenvalues, ddof 1). */
  get explainedVariance(): Float64Array {
    return this.res.explainedVariance.slice();
  }
  /** Fraction of the total variance along each component. */
  get explainedVarianceRatio(): Float64Array {
    return this.res.explainedVarianceRatio.slice();
  }

  /**
   * The solver for `n` samples of `p` features (see {@link choosePCASolver}), after checking
   * that there are enough samples for the components asked.
   */
  private plan(n: number, p: number): PCAEigenSolver {
    const kOpt = this.nComponentsOption;
    const kMax = Math.min(n, p);
    if (kOpt !== undefined && kOpt >= 1 && kOpt > kMax) {
      throw new ValueRangeError('fewer samples than components', {
        argument: 'nComponents',
        expected: `an integer <= min(nSamples, nFeatures) = ${kMax}`,
        received: kOpt,
      });
    }
    if (n < 2) {
      throw new ValueRangeError('needs at least 2 samples to estimate a covariance', {
        argument: 'x',
        expected: '>= 2 samples',
        received: n,
      });
    }
    return choosePCASolver(
      {
        solver: this.solver,
        nComponents: kOpt,
        oversamples: this.oversamples,
        iterations: this.iterations,
        rangeFinder: this.rangeFinder,
        seed: this.seed,
        sketch: this.sketch,
      },
      n,
      p,
    );
  }

  /** The components asked for, for `n` samples of `p` features with total variance `total`. */
  private wanted(n: number, p: number, total: number): PCAComponents {
    const k = this.nComponentsOption;
    return {
      count: k !== undefined && k >= 1 ? k : undefined,
      fraction: k !== undefined && k < 1 ? k : undefined,
      max: Math.min(n, p),
      total,
    };
  }

  protected override solveFromRows(
    rows: CenteredRows,
    mean: Float64Array,
    m2: Float64Array,
  ): LinearMap | undefined {
    const { n, p } = rows;
    const solver = this.plan(n, p);
    if (!solver.fromRows) return undefined;
    // The covariance's trace from the column M2s.
    let total = 0;
    for (let j = 0; j < p; j++) total += m2[j]! / (n - 1);
    const solution = solver.fromRows(rows, this.wanted(n, p, total));
    if (!solution) return undefined;
    return this.finish(solver.name, n, mean, solution.pairs, solution.k, total);
  }

  protected solve(m: CovarianceMoments): LinearMap {
    const n = m.count;
    const p = m.features;
    const solver = this.plan(n, p);
    const cov = m.covariance();
    let total = 0;
    for (let j = 0; j < p; j++) total += cov[j * p + j]!;
    const { pairs, k } = solver.fromCovariance(cov, p, this.wanted(n, p, total));
    return this.finish(solver.name, n, m.mean, pairs, k, total);
  }

  private finish(
    solver: 'full' | 'randomized',
    n: number,
    mean: Float64Array,
    pairs: EigenPairs,
    k: number,
    total: number,
  ): LinearMap {
    const p = mean.length;
    const ev = pairs.values.slice(0, k).map((v) => Math.max(v, 0));
    this.result = {
      solver,
      nSamples: n,
      mean: mean.slice(),
      components: pairs.vectors.slice(0, k * p),
      explainedVariance: ev,
      explainedVarianceRatio: ev.map((v) => v / total),
    };
    return this.linearMap(this.result);
  }

  private linearMap(r: PCAResult): LinearMap {
    const p = r.mean.length;
    const k = r.explainedVariance.length;
    const forward = new Float64Array(p * k);
    const backward = new Float64Array(k * p);
    // Whitening divides by sqrt(lambda); a zero-variance direction is floored to avoid 1/0.
    const floor = 1e-12 * Math.max(r.explainedVariance[0] ?? 0, Number.MIN_VALUE);
    for (let i = 0; i < k; i++) {
      const s = this.whiten ? Math.sqrt(Math.max(r.explainedVariance[i]!, floor)) : 1;
      for (let j = 0; j < p; j++) {
        const c = r.components[i * p + j]!;
        forward[j * k + i] = c / s;
        backward[i * p + j] = c * s;
      }
    }
    return { p, q: k, mean: r.mean, forward, backward };
  }

  protected options(): Record<string, unknown> {
    return {
      nComponents: this.nComponentsOption ?? null,
      whiten: this.whiten,
      solver: this.solver,
      oversamples: this.oversamples,
      iterations: this.iterations,
      rangeFinder: this.rangeFinder,
      seed: this.seed,
      sketch: this.sketch,
    };
  }

  protected fittedState(): Record<string, unknown> {
    const r = this.res;
    return {
      solver: r.solver,
      nSamples: r.nSamples,
      mean: [...r.mean],
      components: [...r.components],
      explainedVariance: [...r.explainedVariance],
      explainedVarianceRatio: [...r.explainedVarianceRatio],
    };
  }

  protected restoreState(s: Record<string, unknown>): LinearMap {
    const arrays = ['mean', 'components', 'explainedVariance', 'explainedVarianceRatio'];
    const p = (s.mean as unknown[] | undefined)?.length ?? 0;
    const k = (s.explainedVariance as unknown[] | undefined)?.length ?? 0;
    if (
      !arrays.every((a) => Array.isArray(s[a])) ||
      (s.components as unknown[]).length !== k * p ||
      (s.solver !== 'full' && s.solver !== 'randomized')
    ) {
      throw new ConfigError('malformed PCA state', {
        argument: 'json.state',
        expected: '{ solver, nSamples, mean[p], components[k*p], explainedVariance[k], ... }',
        received: s,
      });
    }
    this.result = {
      solver: s.solver,
      nSamples: Number(s.nSamples),
      mean: Float64Array.from(s.mean as number[]),
      components: Float64Array.from(s.components as number[]),
      explainedVariance: Float64Array.from(s.explainedVariance as number[]),
      explainedVarianceRatio: Float64Array.from(s.explainedVarianceRatio as number[]),
    };
    return this.linearMap(this.result);
  }
}

import { assertNumber, assertOneOf, ConfigError, ValueRangeError } from '@trainkit/core';
import { symmetricEigen } from '@trainkit/linalg';
import { CovarianceTransform, type LinearMap } from './covariance-transform';
import type { CovarianceMoments } from './moments';

export type WhitenMethod = 'zca' | 'pca';

export interface WhitenOptions {
  /**
   * `'zca'` (default): `W = U (Lambda + eps)^(-1/2) U^T`, the whitening closest to the input
   * (Bell & Sejnowski 1997; Krizhevsky 2009 §A); `'pca'`: `W = U (Lambda + eps)^(-1/2)`, rotated
   * onto the principal axes.
   */
  method?: WhitenMethod;
  /**
   * Added to every covariance eigenvalue before the inverse square root, in the data's variance
   * units. Whitening divides each direction by its standard deviation, so directions of tiny
   * variance — mostly noise — are blown up to unit variance; `epsilon` caps that gain at
   * `1 / sqrt(epsilon)`. Default `1e-5`; `0` gives exact whitening (identity covariance) and
   * fails on a singular covariance.
   */
  epsilon?: number;
}

/**
 * Dataset-level whitening: decorrelates the features and scales them to unit variance, fitted
 * from the (streamed) sample covariance (ddof 1). Images are flattened (`[N, H, W, C]` is
 * whitened as N vectors of H*W*C). Per image: {@link perImageWhiten}, {@link perImageStandardize}.
 *
 * @example
 * const zca = new Whiten({ method: 'zca', epsilon: 0.1 }).fit(x); // x: [N, D]
 * const white = zca.transform(x);        // covariance ~ I (exactly I with epsilon 0)
 * const back = zca.inverseTransform(white);
 */
export class Whiten extends CovarianceTransform {
  readonly kind = 'preprocess.whiten';
  readonly method: WhitenMethod;
  readonly epsilon: number;
  private fittedMap: LinearMap | undefined;
  private samples = 0;

  constructor(options: WhitenOptions = {}) {
    super();
    this.method = assertOneOf('method', options.method ?? 'zca', ['zca', 'pca']);
    this.epsilon = assertNumber('epsilon', options.epsilon ?? 1e-5, { min: 0 });
  }

  get nSamples(): number {
    return this.moments?.count ?? this.samples;
  }

  /** The whitening matrix `W` (`p x p`, applied as `(x - mean) W`), row-major. */
  get matrix(): Float64Array {
    return this.map('matrix').forward.slice();
  }

  /** Per-feature mean. */
  get mean(): Float64Array {
    return this.map('mean').mean.slice();
  }

  protected solve(m: CovarianceMoments): LinearMap {
    const p = m.features;
    if (m.count < 2) {
      throw new ValueRangeError('needs at least 2 samples to estimate a covariance', {
        argument: 'x',
        expected: '>= 2 samples',
        received: m.count,
      });
    }
    const { values, vectors } = symmetricEigen(m.covariance(), p);
    // The covariance is accumulated from float32 batches: eigenvalues below ~1e-6 of the largest
    // are rounding noise, and whitening them would amplify that noise a thousandfold.
    const tiny = 1e-6 * Math.max(values[0]!, Number.MIN_VALUE);
    const scale = values.map((l) => l + this.epsilon);
    if (scale.some((s) => s <= tiny)) {
      throw new ValueRangeError(
        'covariance is singular at float32 resolution (an eigenvalue + epsilon <= 1e-6 of the largest): whitening would amplify rounding noise',
        {
          argument: 'epsilon',
          expected: 'epsilon > 0, or data with a full-rank covariance (more samples than features)',
          received: this.epsilon,
        },
      );
    }
    // U[:, i] = vectors row i.  forward = U D^-1/2 (U^T for zca), backward = its inverse.
    const forward = new Float64Array(p * p);
    const backward = new Float64Array(p * p);
    if (this.method === 'pca') {
      for (let i = 0; i < p; i++) {
        const s = Math.sqrt(scale[i]!);
        for (let j = 0; j < p; j++) {
          forward[j * p + i] = vectors[i * p + j]! / s;
          backward[i * p + j] = vectors[i * p + j]! * s;
        }
      }
    } else {
      for (let i = 0; i < p; i++) {
        const s = Math.sqrt(scale[i]!);
        for (let a = 0; a < p; a++) {
          const ua = vectors[i * p + a]!;
          const fa = ua / s;
          const ba = ua * s;
          for (let b = 0; b < p; b++) {
            const ub = vectors[i * p + b]!;
            forward[a * p + b] = forward[a * p + b]! + fa * ub;
            backward[a * p + b] = backward[a * p + b]! + ba * ub;
          }
        }
      }
    }
    this.fittedMap = { p, q: p, mean: m.mean.slice(), forward, backward };
    this.samples = m.count;
    return this.fittedMap;
  }

  protected options(): Record<string, unknown> {
    return { method: this.method, epsilon: this.epsilon };
  }

  protected fittedState(): Record<string, unknown> {
    const m = this.map('toJSON');
    return {
      nSamples: this.nSamples,
      mean: [...m.mean],
      forward: [...m.forward],
      backward: [...m.backward],
    };
  }

  protected restoreState(s: Record<string, unknown>): LinearMap {
    const p = Array.isArray(s.mean) ? s.mean.length : 0;
    const ok =
      p > 0 &&
      Array.isArray(s.forward) &&
      Array.isArray(s.backward) &&
      s.forward.length === p * p &&
      s.backward.length === p * p;
    if (!ok) {
      throw new ConfigError('malformed Whiten state', {
        argument: 'json.state',
        expected: '{ nSamples, mean[p], forward[p*p], backward[p*p] }',
        received: s,
      });
    }
    this.samples = Number(s.nSamples);
    this.fittedMap = {
      p,
      q: p,
      mean: Float64Array.from(s.mean as number[]),
      forward: Float64Array.from(s.forward as number[]),
      backward: Float64Array.from(s.backward as number[]),
    };
    return this.fittedMap;
  }
}

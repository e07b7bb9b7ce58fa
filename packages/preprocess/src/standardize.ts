import { FeatureScaler, type ScalerOptions } from './feature-scaler';
import type { FeatureMoments } from './moments';

export interface StandardizeOptions extends ScalerOptions {
  /** Subtract the mean. Default `true`. */
  withMean?: boolean;
  /** Divide by the standard deviation. Default `true`. */
  withStd?: boolean;
}

/**
 * Zero mean, unit variance: `(x - mu) / sigma` with the population standard deviation
 * (ddof 0, as scikit-learn's `StandardScaler`). Features whose `sigma` is zero up to float32
 * resolution (`sigma <= 1e-6 * max(1, |mu|)`) keep scale 1, so they map to 0 instead of NaN
 * (scikit-learn's `_handle_zeros_in_scale` does the same).
 *
 * @example
 * const s = new Standardize().fit(x);   // x: [N, D]
 * const z = s.transform(x);             // mean 0, variance 1 per column
 * s.scale;                              // Float64Array of sigma (1 where constant)
 */
export class Standardize extends FeatureScaler {
  readonly kind = 'preprocess.standardize';
  readonly withMean: boolean;
  readonly withStd: boolean;

  constructor(options: StandardizeOptions = {}) {
    super(options);
    this.withMean = options.withMean ?? true;
    this.withStd = options.withStd ?? true;
  }

  /** Population variance per statistic, or undefined before fit. */
  get variance(): Float64Array | undefined {
    return this.moments?.variance();
  }

  /** The divisor used by `transform` (sigma, or 1 for constant features). */
  get scale(): Float64Array | undefined {
    return this.moments ? this.shiftScale(this.moments).scale : undefined;
  }

  protected shiftScale(m: FeatureMoments) {
    const variance = m.variance();
    const scale = new Float64Array(m.features).fill(1);
    if (this.withStd) {
      for (let j = 0; j < m.features; j++) {
        const sigma = Math.sqrt(variance[j]!);
        scale[j] = sigma <= 1e-6 * Math.max(1, Math.abs(m.mean[j]!)) ? 1 : sigma;
      }
    }
    const shift = this.withMean ? m.mean.slice() : new Float64Array(m.features);
    return { shift, scale };
  }

  protected override options() {
    return { withMean: this.withMean, withStd: this.withStd };
  }
}

import { assertNumber, ValueRangeError } from '@trainkit/core';
import { FeatureScaler, type ScalerOptions } from './feature-scaler';
import type { FeatureMoments } from './moments';

export interface MinMaxOptions extends ScalerOptions {
  /** Target interval `[lo, hi]`, `lo < hi`. Default `[0, 1]`. */
  featureRange?: [number, number];
}

/**
 * Rescales each statistic's observed `[min, max]` onto `featureRange`:
 * `x' = (x - min) / (max - min) * (hi - lo) + lo`. A constant feature maps to `lo`
 * (scikit-learn's `MinMaxScaler` behaviour).
 *
 * @example
 * const mm = new MinMax({ featureRange: [-1, 1] }).fit(x);
 * const y = mm.transform(x); // every column spans [-1, 1]
 */
export class MinMax extends FeatureScaler {
  readonly kind = 'preprocess.minMax';
  readonly featureRange: [number, number];

  constructor(options: MinMaxOptions = {}) {
    super(options);
    const [lo, hi] = options.featureRange ?? [0, 1];
    assertNumber('featureRange[0]', lo);
    assertNumber('featureRange[1]', hi);
    if (!(lo < hi)) {
      throw new ValueRangeError('lower bound must be below the upper bound', {
        argument: 'featureRange',
        expected: '[lo, hi] with lo < hi',
        received: [lo, hi],
      });
    }
    this.featureRange = [lo, hi];
  }

  /** Observed minimum per statistic. */
  get dataMin(): Float64Array | undefined {
    return this.moments?.min.slice();
  }

  /** Observed maximum per statistic. */
  get dataMax(): Float64Array | undefined {
    return this.moments?.max.slice();
  }

  protected shiftScale(m: FeatureMoments) {
    const [lo, hi] = this.featureRange;
    const shift = new Float64Array(m.features);
    const scale = new Float64Array(m.features);
    for (let j = 0; j < m.features; j++) {
      const range = m.max[j]! - m.min[j]!;
      scale[j] = (range === 0 ? 1 : range) / (hi - lo);
      shift[j] = m.min[j]! - lo * scale[j]!;
    }
    return { shift, scale };
  }

  protected override options() {
    return { featureRange: this.featureRange };
  }
}

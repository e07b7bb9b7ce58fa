import { FeatureScaler, type ScalerOptions } from './feature-scaler';
import type { FeatureMoments } from './moments';

/**
 * Subtracts the mean: per feature (sklearn's `StandardScaler(with_std=False)`), per channel
 * (VGG's mean RGB, Simonyan & Zisserman 2015 §2.1) or one global mean (AlexNet subtracts the mean
 * image, Krizhevsky et al. 2012 §2 — use `'feature'` on NHWC for that, `'global'` for one number).
 *
 * @example
 * const zc = new ZeroCenter({ axis: 'channel' }).fit(images); // images: [N, H, W, C]
 * const centred = zc.transform(images);
 */
export class ZeroCenter extends FeatureScaler {
  readonly kind = 'preprocess.zeroCenter';

  constructor(options: ScalerOptions = {}) {
    super(options);
  }

  protected shiftScale(m: FeatureMoments) {
    return { shift: m.mean.slice(), scale: new Float64Array(m.features).fill(1) };
  }
}

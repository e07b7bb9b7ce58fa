import { affine } from './affine';
import { type Augmentation, makeAugmentation } from './augmentation';
import { checkRange, checkResample, type ResampleOptions } from './random-affine-options';
import { takeRng } from './rng-option';

export interface RandomScaleOptions extends ResampleOptions {
  /** Smallest zoom factor, > 0 (< 1 shrinks the content). */
  minScale: number;
  /** Largest zoom factor, >= minScale (> 1 enlarges the content). */
  maxScale: number;
}

/**
 * Random isotropic scaling about the image centre by `s ~ U(minScale, maxScale)`.
 * @example const zoom = randomScale({ minScale: 0.9, maxScale: 1.1, rng: 0 });
 */
export function randomScale(options: RandomScaleOptions): Augmentation {
  const [lo, hi] = checkRange('minScale', options?.minScale, 'maxScale', options?.maxScale, {
    min: 0,
    exclusiveMin: true,
  });
  const r = checkResample(options);
  const { rng, json } = takeRng(options.rng);
  return makeAugmentation(
    'regularizers.randomScale',
    (x) =>
      affine(
        x,
        { scale: rng.uniformArray(x.shape[0], lo, hi) },
        r.interpolation,
        r.fillMode,
        r.fillValue,
      ),
    () => ({
      kind: 'regularizers.randomScale',
      version: 1,
      minScale: lo,
      maxScale: hi,
      ...r,
      rng: json,
    }),
  );
}

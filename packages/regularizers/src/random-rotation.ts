import { assertNumber } from '@trainkit/core';
import { affine } from './affine';
import { type Augmentation, makeAugmentation } from './augmentation';
import { checkRange, checkResample, type ResampleOptions } from './random-affine-options';
import { takeRng } from './rng-option';

export interface RandomRotationOptions extends ResampleOptions {
  /** Largest rotation in degrees; the angle is drawn from `[minDegrees, maxDegrees]`. */
  maxDegrees: number;
  /** Default `-maxDegrees`. */
  minDegrees?: number;
}

/**
 * Random rotation about the image centre by an angle drawn uniformly in
 * `[minDegrees, maxDegrees]`; positive angles turn the content counter-clockwise on screen.
 * @example const rot = randomRotation({ maxDegrees: 10, rng: 0 });
 */
export function randomRotation(options: RandomRotationOptions): Augmentation {
  const max = assertNumber('maxDegrees', options?.maxDegrees, { min: -360, max: 360 });
  const [lo, hi] = checkRange('minDegrees', options.minDegrees ?? -max, 'maxDegrees', max);
  const r = checkResample(options);
  const { rng, json } = takeRng(options.rng);
  const rad = Math.PI / 180;
  return makeAugmentation(
    'regularizers.randomRotation',
    (x) =>
      affine(
        x,
        { angle: rng.uniformArray(x.shape[0], lo * rad, hi * rad) },
        r.interpolation,
        r.fillMode,
        r.fillValue,
      ),
    () => ({
      kind: 'regularizers.randomRotation',
      version: 1,
      minDegrees: lo,
      maxDegrees: hi,
      ...r,
      rng: json,
    }),
  );
}

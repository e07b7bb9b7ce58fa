import { assertNumber } from '@trainkit/core';
import { affine } from './affine';
import { type Augmentation, makeAugmentation } from './augmentation';
import { checkResample, type ResampleOptions } from './random-affine-options';
import { takeRng } from './rng-option';

export interface RandomTranslateOptions extends ResampleOptions {
  /** Largest shift as a fraction of the height, in [0, 1]: `dy ~ U(-f*H, f*H)`. */
  heightFactor: number;
  /** Largest shift as a fraction of the width; default `heightFactor`. */
  widthFactor?: number;
}

/**
 * Random translation by a uniformly drawn sub-pixel shift per image (Keras' `RandomTranslation`).
 * @example const shift = randomTranslate({ heightFactor: 0.1, rng: 3 });
 */
export function randomTranslate(options: RandomTranslateOptions): Augmentation {
  const hf = assertNumber('heightFactor', options?.heightFactor, { min: 0, max: 1 });
  const wf = assertNumber('widthFactor', options.widthFactor ?? hf, { min: 0, max: 1 });
  const r = checkResample(options);
  const { rng, json } = takeRng(options.rng);
  return makeAugmentation(
    'regularizers.randomTranslate',
    (x) => {
      const [n, h, w] = x.shape;
      return affine(
        x,
        { dx: rng.uniformArray(n, -wf * w, wf * w), dy: rng.uniformArray(n, -hf * h, hf * h) },
        r.interpolation,
        r.fillMode,
        r.fillValue,
      );
    },
    () => ({
      kind: 'regularizers.randomTranslate',
      version: 1,
      heightFactor: hf,
      widthFactor: wf,
      ...r,
      rng: json,
    }),
  );
}

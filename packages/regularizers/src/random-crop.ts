import { assertNumber, type RngState } from '@trainkit/core';
import { affine } from './affine';
import { type Augmentation, makeAugmentation } from './augmentation';
import { type RngOption, takeRng } from './rng-option';

export interface RandomCropOptions {
  /** Zero padding on every side, in pixels (integer >= 0); the crop is the input's size. */
  padding: number;
  /** Value of the padding. Default 0. */
  fillValue?: number;
  /** Seed or generator. Default seed 0. */
  rng?: RngOption | RngState;
}

/**
 * Random crop with padding (the CIFAR recipe of He et al. 2016 §4.2: pad 4, crop 32x32): pads
 * each image by `padding` and crops an `H x W` window at a uniformly random integer offset,
 * i.e. shifts the image by `(dy, dx)` in `[-padding, padding]^2` with `fillValue` in the gap.
 * Runs as one nearest-neighbour `tf.image.transform` with integer shifts (exact).
 * @example const crop = randomCrop({ padding: 4, rng: 0 });
 */
export function randomCrop(options: RandomCropOptions): Augmentation {
  const padding = assertNumber('padding', options?.padding, { min: 0, integer: true });
  const fillValue = assertNumber('fillValue', options.fillValue ?? 0);
  const { rng, json } = takeRng(options.rng);
  return makeAugmentation(
    'regularizers.randomCrop',
    (x) => {
      const n = x.shape[0];
      const dx = new Float32Array(n);
      const dy = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        dx[i] = rng.int(-padding, padding + 1);
        dy[i] = rng.int(-padding, padding + 1);
      }
      return affine(x, { dx, dy }, 'nearest', 'constant', fillValue);
    },
    () => ({ kind: 'regularizers.randomCrop', version: 1, padding, fillValue, rng: json }),
  );
}

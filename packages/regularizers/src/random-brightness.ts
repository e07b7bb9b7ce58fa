import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, type RngState } from '@trainkit/core';
import { type Augmentation, makeAugmentation, perExample } from './augmentation';
import { type RngOption, takeRng } from './rng-option';

export interface RandomBrightnessOptions {
  /** Largest change, >= 0: each image gets `x + delta`, `delta ~ U(-maxDelta, maxDelta)`. */
  maxDelta: number;
  /** Seed or generator. Default seed 0. */
  rng?: RngOption | RngState;
}

/**
 * Random brightness: adds one uniformly drawn offset per image (as `tf.image.random_brightness`),
 * in the units of the pixel values (0.1 on [0, 1] images). No clipping.
 * @example const bright = randomBrightness({ maxDelta: 0.1, rng: 0 });
 */
export function randomBrightness(options: RandomBrightnessOptions): Augmentation {
  const maxDelta = assertNumber('maxDelta', options?.maxDelta, { min: 0 });
  const { rng, json } = takeRng(options.rng);
  return makeAugmentation(
    'regularizers.randomBrightness',
    (x) => tf.add(x, perExample(rng, x.shape[0], -maxDelta, maxDelta)),
    () => ({ kind: 'regularizers.randomBrightness', version: 1, maxDelta, rng: json }),
  );
}

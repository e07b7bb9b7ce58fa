import * as tf from '@tensorflow/tfjs-core';
import type { RngState } from '@trainkit/core';
import { type Augmentation, makeAugmentation, perExample } from './augmentation';
import { checkRange } from './random-affine-options';
import { type RngOption, takeRng } from './rng-option';

export interface RandomContrastOptions {
  /** Smallest contrast factor, >= 0. */
  lower: number;
  /** Largest contrast factor, >= lower. */
  upper: number;
  /** Seed or generator. Default seed 0. */
  rng?: RngOption | RngState;
}

/**
 * Random contrast (as `tf.image.adjust_contrast`): per image and channel,
 * `y = (x - mean) * f + mean` with `mean` over the pixels and `f ~ U(lower, upper)` per image.
 * @example const contrast = randomContrast({ lower: 0.8, upper: 1.2, rng: 0 });
 */
export function randomContrast(options: RandomContrastOptions): Augmentation {
  const [lower, upper] = checkRange('lower', options?.lower, 'upper', options?.upper, { min: 0 });
  const { rng, json } = takeRng(options.rng);
  return makeAugmentation(
    'regularizers.randomContrast',
    (x) => {
      const mean = tf.mean(x, [1, 2], true);
      return tf.add(tf.mul(tf.sub(x, mean), perExample(rng, x.shape[0], lower, upper)), mean);
    },
    () => ({ kind: 'regularizers.randomContrast', version: 1, lower, upper, rng: json }),
  );
}

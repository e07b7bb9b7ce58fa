import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertOneOf, type RngState } from '@trainkit/core';
import { type Augmentation, makeAugmentation } from './augmentation';
import { type RngOption, takeRng } from './rng-option';

export interface RandomFlipOptions {
  /** `'horizontal'` mirrors left-right (default), `'vertical'` up-down. */
  direction?: 'horizontal' | 'vertical';
  /** Probability that an image is flipped, in [0, 1]. Default 0.5. */
  p?: number;
  /** Seed or generator. Default seed 0. */
  rng?: RngOption | RngState;
}

/**
 * Random flip of each image with probability `p` (Krizhevsky et al. 2012's horizontal
 * reflections).
 * @example const flip = randomFlip({ rng: 1 }); const out = flip(batch);
 */
export function randomFlip(options: RandomFlipOptions = {}): Augmentation {
  const direction = assertOneOf('direction', options.direction ?? 'horizontal', [
    'horizontal',
    'vertical',
  ] as const);
  const p = assertNumber('p', options.p ?? 0.5, { min: 0, max: 1 });
  const { rng, json } = takeRng(options.rng);
  const axis = direction === 'horizontal' ? 2 : 1;
  return makeAugmentation(
    'regularizers.randomFlip',
    (x) => {
      const n = x.shape[0];
      const flip = new Float32Array(n);
      for (let i = 0; i < n; i++) flip[i] = rng.next() < p ? 1 : 0;
      const mask = tf.tensor4d(flip, [n, 1, 1, 1]);
      const flipped = tf.reverse(x, axis);
      return tf.add(tf.mul(mask, flipped), tf.mul(tf.sub(1, mask), x));
    },
    () => ({ kind: 'regularizers.randomFlip', version: 1, direction, p, rng: json }),
  );
}

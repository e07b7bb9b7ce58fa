import * as tf from '@tensorflow/tfjs-core';
import { assertNumber } from '@trainkit/core';
import { type Initializer, makeInitializer, type RandomOptions, resolveRng } from './initializer';

export interface SmallRandomOptions extends RandomOptions {
  /** Standard deviation of the normal draws. Default 0.01 (CS231n's "small random numbers"). */
  std?: number;
}

/**
 * N(0, std^2) weights regardless of the shape: the "small random numbers" init whose
 * activations shrink layer after layer in deep networks (use {@link heNormal} or
 * {@link glorotNormal} instead; kept for the experiment and for output layers).
 * @example smallRandom({ std: 0.01, rng: 0 })([500, 500])
 */
export function smallRandom(options: SmallRandomOptions = {}): Initializer {
  const std = assertNumber('std', options.std ?? 0.01, { min: 0, exclusiveMin: true });
  const { rng, json } = resolveRng(options.rng);
  return makeInitializer('init.smallRandom', { std, rng: json }, (shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(rng.normalArray(size, 0, std), shape, 'float32');
  });
}

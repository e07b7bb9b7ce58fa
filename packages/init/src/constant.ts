import * as tf from '@tensorflow/tfjs-core';
import { assertNumber } from '@trainkit/core';
import { type Initializer, makeInitializer } from './initializer';

/**
 * All weights equal to `value`.
 * @example constant({ value: 0.1 })([10]) // bias of 0.1 everywhere
 */
export function constant(options: { value: number }): Initializer {
  const value = assertNumber('value', options?.value);
  return makeInitializer('init.constant', { value }, (shape) => tf.fill(shape, value, 'float32'));
}

/**
 * All weights zero (biases; never kernels of a network trained by gradients: every unit in a
 * layer would get the same gradient and stay identical).
 * @example zeros()([10])
 */
export function zeros(): Initializer {
  return makeInitializer('init.zeros', {}, (shape) => tf.zeros(shape, 'float32'));
}

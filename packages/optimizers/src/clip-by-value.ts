import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, type GradientTransformation } from '@trainkit/core';
import { mapGrads } from './per-param';

export interface ClipByValueOptions {
  /** Every element is clipped to `[-maxDelta, maxDelta]`; > 0. */
  maxDelta: number;
}

/**
 * Clips every element of every update to `[-maxDelta, maxDelta]`. Stateless.
 * @example chain(clipByValue({ maxDelta: 1 }), sgd({ learningRate: 0.1 }))
 */
export function clipByValue(options: ClipByValueOptions): GradientTransformation {
  const maxDelta = assertNumber('maxDelta', options?.maxDelta, { min: 0, exclusiveMin: true });
  return {
    kind: 'optimizers.clipByValue',
    init: () => ({}),
    update: (grads, state) => ({
      updates: mapGrads(grads, (g) => tf.clipByValue(g, -maxDelta, maxDelta)),
      state,
    }),
    toJSON: () => ({ kind: 'optimizers.clipByValue', version: 1, maxDelta }),
  };
}

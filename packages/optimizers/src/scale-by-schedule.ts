import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, Schedule } from '@trainkit/core';
import { ConfigError } from '@trainkit/core';
import { hyperToJSON } from './hyper';
import { mapGrads } from './per-param';

/**
 * Multiplies the updates by `schedule(step)` (no sign change, unlike
 * {@link scaleByLearningRate}). Stateless. As optax's `scale_by_schedule`.
 * @example chain(scaleByAdam(), scaleBySchedule(cosineDecay({ initialValue: -1e-3, decaySteps: 1000 })))
 */
export function scaleBySchedule(schedule: Schedule): GradientTransformation {
  if (typeof schedule !== 'function') {
    throw new ConfigError('must be a schedule', {
      argument: 'schedule',
      expected: 'a function (step) => number',
      received: schedule,
    });
  }
  return {
    kind: 'optimizers.scaleBySchedule',
    init: () => ({}),
    update: (grads, state, _params, { step }) => {
      const s = schedule(step);
      return { updates: mapGrads(grads, (g) => tf.mul(g, s)), state };
    },
    toJSON: () => ({
      kind: 'optimizers.scaleBySchedule',
      version: 1,
      schedule: hyperToJSON('schedule', schedule),
    }),
  };
}

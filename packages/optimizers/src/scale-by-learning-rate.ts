import * as tf from '@tensorflow/tfjs-core';
import { type HyperParam, resolveHyper } from '@trainkit/core';
import { checkHyper, hyperToJSON } from './hyper';
import { mapGrads } from './per-param';
import type { Transformation } from './transformation';

export interface ScaleByLearningRateOptions {
  /** The step size (>= 0), a number or a schedule of the step. */
  learningRate: HyperParam;
}

/**
 * Multiplies the updates by `-learningRate` (the minus sign makes a descent step, since
 * updates are added to the parameters). Stateless.
 * @example chain(scaleByAdam(), scaleByLearningRate({ learningRate: cosineDecay({...}) }))
 */
export function scaleByLearningRate(options: ScaleByLearningRateOptions): Transformation {
  const learningRate = checkHyper('learningRate', options?.learningRate, { min: 0 });
  return {
    kind: 'optimizers.scaleByLearningRate',
    init: () => ({}),
    update: (grads, state, _params, { step }) => {
      const lr = resolveHyper(learningRate, step);
      return { updates: mapGrads(grads, (g) => tf.mul(g, -lr)), state };
    },
    hyperparams: ({ step }) => ({ learningRate: resolveHyper(learningRate, step) }),
    toJSON: () => ({
      kind: 'optimizers.scaleByLearningRate',
      version: 1,
      learningRate: hyperToJSON('learningRate', learningRate),
    }),
  };
}

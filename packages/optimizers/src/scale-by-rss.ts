import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, TransformState } from '@trainkit/core';
import { assertNumber } from '@trainkit/core';
import { slot } from './per-param';

export interface ScaleByRssOptions {
  /** Starting value of the sum of squares, >= 0. Default 0 (PyTorch; Keras uses 0.1). */
  initialAccumulatorValue?: number;
  /** Added to the root of the sum, > 0. Default 1e-10 (PyTorch). */
  epsilon?: number;
}

/**
 * Adagrad scaling by the root of the sum of squared gradients:
 * `s = s + g^2`, `u = g / (sqrt(s) + eps)`. State: `sum/<name>`.
 * Duchi, Hazan & Singer 2011, eq. for diagonal AdaGrad.
 * @example chain(scaleByRss(), scaleByLearningRate({ learningRate: 0.01 }))
 */
export function scaleByRss(options: ScaleByRssOptions = {}): GradientTransformation {
  const initialAccumulatorValue = assertNumber(
    'initialAccumulatorValue',
    options.initialAccumulatorValue ?? 0,
    { min: 0 },
  );
  const epsilon = assertNumber('epsilon', options.epsilon ?? 1e-10, { min: 0, exclusiveMin: true });
  return {
    kind: 'optimizers.scaleByRss',
    init: (params) => {
      const s: TransformState = {};
      for (const [k, p] of Object.entries(params)) {
        s[`sum/${k}`] = tf.fill(p.shape, initialAccumulatorValue);
      }
      return s;
    },
    update: (grads, state) => {
      const updates: Record<string, tf.Tensor> = {};
      const next: TransformState = { ...state };
      for (const [k, g] of Object.entries(grads)) {
        const sum = tf.add(slot(state, 'sum', k), tf.square(g));
        next[`sum/${k}`] = sum;
        updates[k] = tf.div(g, tf.add(tf.sqrt(sum), epsilon));
      }
      return { updates, state: next };
    },
    toJSON: () => ({ kind: 'optimizers.scaleByRss', version: 1, initialAccumulatorValue, epsilon }),
  };
}

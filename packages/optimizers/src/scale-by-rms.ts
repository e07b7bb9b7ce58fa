import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, TransformState } from '@trainkit/core';
import { assertNumber } from '@trainkit/core';
import { slot } from './per-param';

export interface ScaleByRmsOptions {
  /** Decay of the squared-gradient average (PyTorch `alpha`, Keras `rho`), in [0, 1). Default 0.99. */
  alpha?: number;
  /** Added to the root mean square, > 0. Default 1e-8. */
  epsilon?: number;
  /** Divide by the centred second moment (an estimate of the variance). Default false. */
  centered?: boolean;
}

/**
 * RMSProp scaling: `s = a s + (1-a) g^2`, `u = g / (sqrt(s) + eps)`; centred:
 * `m = a m + (1-a) g`, `u = g / (sqrt(s - m^2) + eps)` (epsilon outside the root, as PyTorch).
 * State: `nu/<name>` (and `mu/<name>` when centred). Tieleman & Hinton 2012, lecture 6.5;
 * centred form: Graves 2013, eq. 38-40.
 * @example chain(scaleByRms({ alpha: 0.9 }), scaleByLearningRate({ learningRate: 1e-3 }))
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): GradientTransformation {
  const alpha = assertNumber('alpha', options.alpha ?? 0.99, {
    min: 0,
    max: 1,
    exclusiveMax: true,
  });
  const epsilon = assertNumber('epsilon', options.epsilon ?? 1e-8, { min: 0, exclusiveMin: true });
  const centered = options.centered ?? false;
  return {
    kind: 'optimizers.scaleByRms',
    init: (params) => {
      const s: TransformState = {};
      for (const [k, p] of Object.entries(params)) {
        s[`nu/${k}`] = tf.zerosLike(p);
        if (centered) s[`mu/${k}`] = tf.zerosLike(p);
      }
      return s;
    },
    update: (grads, state) => {
      const updates: Record<string, tf.Tensor> = {};
      const next: TransformState = { ...state };
      for (const [k, g] of Object.entries(grads)) {
        const nu = tf.add(tf.mul(slot(state, 'nu', k), alpha), tf.mul(tf.square(g), 1 - alpha));
        next[`nu/${k}`] = nu;
        let variance = nu;
        if (centered) {
          const mu = tf.add(tf.mul(slot(state, 'mu', k), alpha), tf.mul(g, 1 - alpha));
          next[`mu/${k}`] = mu;
          variance = tf.sub(nu, tf.square(mu));
        }
        updates[k] = tf.div(g, tf.add(tf.sqrt(variance), epsilon));
      }
      return { updates, state: next };
    },
    toJSON: () => ({ kind: 'optimizers.scaleByRms', version: 1, alpha, epsilon, centered }),
  };
}

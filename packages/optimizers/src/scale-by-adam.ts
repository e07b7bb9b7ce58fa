import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, TransformState } from '@trainkit/core';
import { assertNumber } from '@trainkit/core';
import { slot } from './per-param';

export interface ScaleByAdamOptions {
  /** Decay of the first-moment average, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to the root of the second moment, > 0. Default 1e-8. */
  epsilon?: number;
  /** Use the running maximum of the second moment (Reddi et al. 2018). Default false. */
  amsgrad?: boolean;
}

/**
 * Rescales gradients by Adam's bias-corrected moment estimates:
 * `m = b1 m + (1-b1) g`, `v = b2 v + (1-b2) g^2`, `u = (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)`.
 * With `amsgrad`, `v` in the denominator is the running maximum of `v` (as PyTorch does).
 * State: `mu/<name>`, `nu/<name>` (and `nuMax/<name>`).
 * Kingma & Ba 2015, Algorithm 1; AMSGrad: Reddi, Kale & Kumar 2018.
 * @example chain(scaleByAdam({ beta2: 0.99 }), scaleByLearningRate({ learningRate: 1e-3 }))
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation {
  const beta1 = assertNumber('beta1', options.beta1 ?? 0.9, { min: 0, max: 1, exclusiveMax: true });
  const beta2 = assertNumber('beta2', options.beta2 ?? 0.999, {
    min: 0,
    max: 1,
    exclusiveMax: true,
  });
  const epsilon = assertNumber('epsilon', options.epsilon ?? 1e-8, { min: 0, exclusiveMin: true });
  const amsgrad = options.amsgrad ?? false;
  return {
    kind: 'optimizers.scaleByAdam',
    init: (params) => {
      const s: TransformState = {};
      for (const [k, p] of Object.entries(params)) {
        s[`mu/${k}`] = tf.zerosLike(p);
        s[`nu/${k}`] = tf.zerosLike(p);
        if (amsgrad) s[`nuMax/${k}`] = tf.zerosLike(p);
      }
      return s;
    },
    update: (grads, state, _params, { step }) => {
      const t = step + 1;
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const updates: Record<string, tf.Tensor> = {};
      const next: TransformState = { ...state };
      for (const [k, g] of Object.entries(grads)) {
        const mu = tf.add(tf.mul(slot(state, 'mu', k), beta1), tf.mul(g, 1 - beta1));
        const nu = tf.add(tf.mul(slot(state, 'nu', k), beta2), tf.mul(tf.square(g), 1 - beta2));
        next[`mu/${k}`] = mu;
        next[`nu/${k}`] = nu;
        let v = nu;
        if (amsgrad) {
          v = tf.maximum(slot(state, 'nuMax', k), nu);
          next[`nuMax/${k}`] = v;
        }
        const denom = tf.add(tf.sqrt(tf.div(v, bc2)), epsilon);
        updates[k] = tf.div(tf.div(mu, bc1), denom);
      }
      return { updates, state: next };
    },
    toJSON: () => ({ kind: 'optimizers.scaleByAdam', version: 1, beta1, beta2, epsilon, amsgrad }),
  };
}

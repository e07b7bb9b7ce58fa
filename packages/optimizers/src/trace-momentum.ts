import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, TransformState } from '@trainkit/core';
import { assertNumber } from '@trainkit/core';
import { slot } from './per-param';

export interface TraceMomentumOptions {
  /** Momentum coefficient `mu`, in [0, 1]. Default 0.9. */
  decay?: number;
  /** Nesterov look-ahead: the update is `g + mu * b` instead of `b`. Default false. */
  nesterov?: boolean;
  /** Dampening `d` of the gradient in the trace (PyTorch SGD), in [0, 1]. Default 0. */
  dampening?: number;
}

/**
 * A momentum trace with PyTorch SGD semantics: `b = g` on the first step, then
 * `b = mu b + (1 - d) g`; the update is `b`, or `g + mu b` with Nesterov.
 * State: `trace/<name>`. Polyak 1964 (heavy ball); Sutskever et al. 2013, eq. 3-4 (Nesterov).
 * @example chain(traceMomentum({ decay: 0.9, nesterov: true }), scaleByLearningRate({ learningRate: 0.1 }))
 */
export function traceMomentum(options: TraceMomentumOptions = {}): GradientTransformation {
  const decay = assertNumber('decay', options.decay ?? 0.9, { min: 0, max: 1 });
  const dampening = assertNumber('dampening', options.dampening ?? 0, { min: 0, max: 1 });
  const nesterov = options.nesterov ?? false;
  return {
    kind: 'optimizers.traceMomentum',
    init: (params) => {
      const s: TransformState = {};
      for (const [k, p] of Object.entries(params)) s[`trace/${k}`] = tf.zerosLike(p);
      return s;
    },
    update: (grads, state, _params, { step }) => {
      const updates: Record<string, tf.Tensor> = {};
      const next: TransformState = { ...state };
      for (const [k, g] of Object.entries(grads)) {
        // PyTorch starts the buffer at the gradient itself (no dampening on the first step).
        const b =
          step === 0
            ? tf.clone(g)
            : tf.add(tf.mul(slot(state, 'trace', k), decay), tf.mul(g, 1 - dampening));
        next[`trace/${k}`] = b;
        updates[k] = nesterov ? tf.add(g, tf.mul(b, decay)) : b;
      }
      return { updates, state: next };
    },
    toJSON: () => ({
      kind: 'optimizers.traceMomentum',
      version: 1,
      decay,
      nesterov,
      dampening,
    }),
  };
}

import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, TransformState } from '@trainkit/core';
import { assertNumber } from '@trainkit/core';
import { slot } from './per-param';

export interface EmaOptions {
  /** Decay `beta` of the average, in [0, 1). Default 0.999. */
  decay?: number;
  /** Divide by `1 - beta^t` so the zero start does not bias early values. Default true. */
  debias?: boolean;
}

/**
 * An exponential moving average of the updates flowing through the chain (optax `ema`):
 * `m_t = beta m_{t-1} + (1 - beta) u_t` from `m_0 = 0`, the output `m_t / (1 - beta^t)` when
 * `debias` (else `m_t`). Placed before `scaleByLearningRate` it smooths the gradients (momentum
 * in its EMA form). To average the *parameters* (Polyak averaging, timm's ModelEMA), use
 * `exponentialMovingAverage` from `@trainkit/train`, which keeps the averaged weights beside the
 * model. State: `ema/<name>`.
 * @example chain(ema({ decay: 0.9 }), scaleByLearningRate({ learningRate: 0.1 }))
 */
export function ema(options: EmaOptions = {}): GradientTransformation {
  const decay = assertNumber('decay', options.decay ?? 0.999, {
    min: 0,
    max: 1,
    exclusiveMax: true,
  });
  const debias = options.debias ?? true;
  return {
    kind: 'optimizers.ema',
    init: (params) => {
      const s: TransformState = {};
      for (const [k, p] of Object.entries(params)) s[`ema/${k}`] = tf.zerosLike(p);
      return s;
    },
    update: (updates, state, _params, { step }) => {
      const out: Record<string, tf.Tensor> = {};
      const next: TransformState = { ...state };
      // count t = step + 1 updates averaged so far, this one included
      const correction = debias ? 1 / (1 - decay ** (step + 1)) : 1;
      for (const [k, u] of Object.entries(updates)) {
        const m = tf.add(tf.mul(slot(state, 'ema', k), decay), tf.mul(u, 1 - decay));
        next[`ema/${k}`] = m;
        out[k] = correction === 1 ? tf.clone(m) : tf.mul(m, correction);
      }
      return { updates: out, state: next };
    },
    toJSON: () => ({ kind: 'optimizers.ema', version: 1, decay, debias }),
  };
}

// Minimal gradient transformations for tests (independent of @trainkit/optimizers).
import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, TensorMap } from '@trainkit/core';

/** Plain SGD: update = -lr * g. */
export function testSgd(
  lr: number,
): GradientTransformation & { hyperparams(): { learningRate: number } } {
  return {
    kind: 'test.sgd',
    init: () => ({}),
    update: (grads) => {
      const updates: TensorMap = {};
      for (const [k, g] of Object.entries(grads)) updates[k] = tf.mul(g, -lr);
      return { updates, state: {} };
    },
    // What fit reports as the learning rate (the optimizers' Transformation.hyperparams).
    hyperparams: () => ({ learningRate: lr }),
    toJSON: () => ({ kind: 'test.sgd', version: 1, learningRate: lr }),
  };
}

/** Heavy-ball momentum with state: v = mu v + g; update = -lr v. */
export function testMomentum(
  lr: number,
  mu: number,
): GradientTransformation & { hyperparams(): { learningRate: number } } {
  return {
    kind: 'test.momentum',
    init: (params) => {
      const s: TensorMap = {};
      for (const [k, p] of Object.entries(params)) s[`v/${k}`] = tf.zerosLike(p);
      return s;
    },
    update: (grads, state) => {
      const updates: TensorMap = {};
      const next: TensorMap = {};
      for (const [k, g] of Object.entries(grads)) {
        const v = tf.add(tf.mul(state[`v/${k}`] as tf.Tensor, mu), g);
        next[`v/${k}`] = v;
        updates[k] = tf.mul(v, -lr);
      }
      return { updates, state: next };
    },
    hyperparams: () => ({ learningRate: lr }),
    toJSON: () => ({ kind: 'test.momentum', version: 1, learningRate: lr, momentum: mu }),
  };
}

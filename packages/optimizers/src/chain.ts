import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  type GradientTransformation,
  type TensorMap,
  type TransformState,
} from '@trainkit/core';

function subState(state: TransformState, i: number): TransformState {
  const prefix = `${i}/`;
  const out: TransformState = {};
  for (const [k, t] of Object.entries(state))
    if (k.startsWith(prefix)) out[k.slice(prefix.length)] = t;
  return out;
}

/**
 * Composes transformations left to right: the updates of one are the gradients of the next.
 * The state of the i-th is stored under `i/...` (e.g. `0/mu/conv2d_1/kernel`).
 * @example const opt = chain(clipByGlobalNorm({ maxNorm: 1 }), scaleByAdam(), scaleByLearningRate({ learningRate: 1e-3 }));
 */
export function chain(...transforms: GradientTransformation[]): GradientTransformation {
  transforms.forEach((t, i) => {
    if (!t || typeof t.init !== 'function' || typeof t.update !== 'function') {
      throw new ConfigError('not a gradient transformation', {
        argument: `transforms[${i}]`,
        expected: 'an object with init() and update()',
        received: t,
      });
    }
  });
  return {
    kind: 'optimizers.chain',
    init: (params) => {
      const state: TransformState = {};
      transforms.forEach((t, i) => {
        for (const [k, v] of Object.entries(t.init(params))) state[`${i}/${k}`] = v;
      });
      return state;
    },
    update: (grads, state, params, ctx) => {
      // An empty chain is the identity; its updates are still new tensors the caller owns.
      let updates: TensorMap =
        transforms.length === 0
          ? Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.clone(g)]))
          : grads;
      const next: TransformState = {};
      transforms.forEach((t, i) => {
        const r = t.update(updates, subState(state, i), params, ctx);
        updates = r.updates;
        for (const [k, v] of Object.entries(r.state)) next[`${i}/${k}`] = v as tf.Tensor;
      });
      return { updates, state: next };
    },
    toJSON: () => ({
      kind: 'optimizers.chain',
      version: 1,
      transforms: transforms.map((t) => t.toJSON()),
    }),
  };
}

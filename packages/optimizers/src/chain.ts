import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  type GradientTransformation,
  type TensorMap,
  type TransformState,
} from '@trainkit/core';
import { subState } from './sub-state';
import { flushOf, hyperparamsOf, type Transformation } from './transformation';

const subStateOf = (state: TransformState, i: number) => subState(state, String(i));

/**
 * Composes transformations left to right: the updates of one are the gradients of the next.
 * The state of the i-th is stored under `i/...` (e.g. `0/mu/conv2d_1/kernel`).
 * @example const opt = chain(clipByGlobalNorm({ maxNorm: 1 }), scaleByAdam(), scaleByLearningRate({ learningRate: 1e-3 }));
 */
export function chain(...transforms: GradientTransformation[]): Transformation {
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
        const r = t.update(updates, subStateOf(state, i), params, ctx);
        updates = r.updates;
        for (const [k, v] of Object.entries(r.state)) next[`${i}/${k}`] = v as tf.Tensor;
      });
      return { updates, state: next };
    },
    // The hyper-parameters of every part (a later part's value wins on a shared name).
    hyperparams: (ctx) => Object.assign({}, ...transforms.map((t) => hyperparamsOf(t, ctx))),
    // The first part holding updates back flushes them; the parts after it transform them.
    flush: (state, params, ctx) => {
      for (const [i, t] of transforms.entries()) {
        const r = flushOf(t)?.(subStateOf(state, i), params, ctx);
        if (!r) continue;
        const next: TransformState = { ...state };
        for (const [k, v] of Object.entries(r.state)) next[`${i}/${k}`] = v;
        let updates = r.updates;
        for (const [j, later] of transforms.slice(i + 1).entries()) {
          const s = later.update(updates, subStateOf(state, i + 1 + j), params, ctx);
          updates = s.updates;
          for (const [k, v] of Object.entries(s.state)) next[`${i + 1 + j}/${k}`] = v;
        }
        return { updates, state: next, steps: r.steps };
      }
      return undefined;
    },
    toJSON: () => ({
      kind: 'optimizers.chain',
      version: 1,
      transforms: transforms.map((t) => t.toJSON()),
    }),
  };
}

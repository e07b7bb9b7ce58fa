import * as tf from '@tensorflow/tfjs-core';
import { type HyperParam, matchesName, resolveHyper, StateError } from '@trainkit/core';
import { checkHyper, hyperToJSON } from './hyper';
import { checkPatterns } from './patterns';
import type { Transformation } from './transformation';

export interface AddDecayedWeightsOptions {
  /** The decay coefficient `lambda` (>= 0), a number or a schedule. */
  weightDecay: HyperParam;
  /**
   * Name patterns (core `matchesName` globs) of the parameters to decay; all when omitted.
   * A pattern that matches no parameter is a ConfigError at `init`.
   */
  mask?: string | string[];
}

/**
 * Adds `lambda * p` to each update: placed before the gradient scaling it is L2 regularisation
 * (PyTorch SGD/Adam `weight_decay`); placed after it, decoupled weight decay (AdamW,
 * Loshchilov & Hutter 2019, Alg. 2 line 12). Stateless; needs `params` in `update`.
 * @example chain(scaleByAdam(), addDecayedWeights({ weightDecay: 1e-2, mask: '**' + '/kernel' }), scaleByLearningRate({ learningRate: 1e-3 }))
 */
export function addDecayedWeights(options: AddDecayedWeightsOptions): Transformation {
  const weightDecay = checkHyper('weightDecay', options?.weightDecay, { min: 0 });
  const mask =
    options.mask === undefined
      ? undefined
      : Array.isArray(options.mask)
        ? options.mask
        : [options.mask];
  const decays = (name: string) => mask === undefined || mask.some((m) => matchesName(m, name));
  return {
    kind: 'optimizers.addDecayedWeights',
    init: (params) => {
      if (mask) checkPatterns('mask', mask, Object.keys(params));
      return {};
    },
    hyperparams: ({ step }) => ({ weightDecay: resolveHyper(weightDecay, step) }),
    update: (grads, state, params, { step }) => {
      const lambda = resolveHyper(weightDecay, step);
      const updates: Record<string, tf.Tensor> = {};
      for (const [k, g] of Object.entries(grads)) {
        if (!decays(k) || lambda === 0) {
          updates[k] = tf.clone(g); // updates are always new tensors the caller owns
          continue;
        }
        const p = params?.[k];
        if (!p) {
          throw new StateError(`addDecayedWeights needs the parameter "${k}"`, {
            argument: 'params',
            expected: 'the current parameters passed to update()',
            received: params === undefined ? undefined : Object.keys(params),
          });
        }
        updates[k] = tf.add(g, tf.mul(p, lambda));
      }
      return { updates, state };
    },
    toJSON: () => {
      const json: Record<string, unknown> = {
        kind: 'optimizers.addDecayedWeights',
        version: 1,
        weightDecay: hyperToJSON('weightDecay', weightDecay),
      };
      if (mask) json.mask = mask;
      return json as ReturnType<Transformation['toJSON']>;
    },
  };
}

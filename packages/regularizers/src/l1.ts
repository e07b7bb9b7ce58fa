import * as tf from '@tensorflow/tfjs-core';
import { assertNumber } from '@trainkit/core';
import { appliesToJSON, checkAppliesTo, KERNELS } from './applies-to';
import { makePenalty, type WeightPenalty } from './penalty';

export interface L1Options {
  /** Strength, >= 0. The penalty is `lambda * sum |w|`. */
  lambda: number;
  /** Which weights (name pattern); default {@link KERNELS}: kernels, not biases or BN params. */
  appliesTo?: string | RegExp;
}

/**
 * L1 penalty `lambda * sum_i |w_i|` (Tibshirani 1996, the lasso); its (sub)gradient is
 * `lambda * sign(w)`, which drives small weights to exactly zero (sparsity).
 * @example
 * const pen = l1({ lambda: 1e-4 });
 * const loss = tf.add(dataLoss, pen(params));
 */
export function l1(options: L1Options): WeightPenalty {
  const lambda = assertNumber('lambda', options?.lambda, { min: 0 });
  const appliesTo = checkAppliesTo(options.appliesTo ?? KERNELS);
  return makePenalty(
    'regularizers.l1',
    appliesTo,
    (w) => tf.mul(lambda, tf.sum(tf.abs(w))),
    () => ({ kind: 'regularizers.l1', version: 1, lambda, appliesTo: appliesToJSON(appliesTo) }),
  );
}

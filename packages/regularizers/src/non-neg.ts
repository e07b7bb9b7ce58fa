import * as tf from '@tensorflow/tfjs-core';
import { appliesToJSON, checkAppliesTo, KERNELS } from './applies-to';
import { makeConstraint, type WeightConstraint } from './constraint';

export interface NonNegOptions {
  /** Which weights; default kernels only. */
  appliesTo?: string | RegExp;
}

/**
 * Non-negativity: `w <- max(w, 0)`, the Euclidean projection onto the non-negative orthant.
 * @example kernel.assign(nonNeg()(kernel, 'dense_1/kernel'));
 */
export function nonNeg(options: NonNegOptions = {}): WeightConstraint {
  const appliesTo = checkAppliesTo(options.appliesTo ?? KERNELS);
  return makeConstraint(
    'regularizers.nonNeg',
    appliesTo,
    (w) => tf.relu(w),
    () => ({ kind: 'regularizers.nonNeg', version: 1, appliesTo: appliesToJSON(appliesTo) }),
  );
}

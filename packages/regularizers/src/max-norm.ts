import * as tf from '@tensorflow/tfjs-core';
import { assertNumber } from '@trainkit/core';
import { appliesToJSON, checkAppliesTo, KERNELS } from './applies-to';
import {
  checkAxis,
  makeConstraint,
  NORM_EPSILON,
  unitNorms,
  type WeightConstraint,
} from './constraint';

export interface MaxNormOptions {
  /** The largest allowed norm `c` of each unit's incoming weight vector, > 0. Default 2 (Keras). */
  maxValue?: number;
  /** Axes of one unit's incoming weights; default every axis but the last (see `checkAxis`). */
  axis?: number | number[];
  /** Which weights; default kernels only. */
  appliesTo?: string | RegExp;
}

/**
 * Max-norm constraint (Srebro & Shraibman 2005; Hinton et al. 2012 / Srivastava et al. 2014
 * §5.1 with dropout): after each update, every unit's incoming weight vector `w_j` with
 * `||w_j||_2 > c` is rescaled onto the ball: `w_j <- w_j * min(||w_j||, c) / ||w_j||`.
 * @example
 * const c = maxNorm({ maxValue: 3 }); // dense [in, out]: norm over `in` for each output unit
 * kernel.assign(c(kernel, 'dense_1/kernel'));
 */
export function maxNorm(options: MaxNormOptions = {}): WeightConstraint {
  const maxValue = assertNumber('maxValue', options.maxValue ?? 2, { min: 0, exclusiveMin: true });
  const axis = checkAxis(options.axis);
  const appliesTo = checkAppliesTo(options.appliesTo ?? KERNELS);
  return makeConstraint(
    'regularizers.maxNorm',
    appliesTo,
    (w) =>
      tf.tidy(() => {
        const norms = unitNorms(w, axis);
        const desired = tf.clipByValue(norms, 0, maxValue);
        return tf.mul(w, tf.div(desired, tf.add(norms, NORM_EPSILON)));
      }),
    () => ({
      kind: 'regularizers.maxNorm',
      version: 1,
      maxValue,
      axis: axis ?? null,
      appliesTo: appliesToJSON(appliesTo),
    }),
  );
}

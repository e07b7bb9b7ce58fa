import * as tf from '@tensorflow/tfjs-core';
import { appliesToJSON, checkAppliesTo, KERNELS } from './applies-to';
import {
  checkAxis,
  makeConstraint,
  NORM_EPSILON,
  unitNorms,
  type WeightConstraint,
} from './constraint';

export interface UnitNormOptions {
  /** Axes of one unit's incoming weights; default every axis but the last. */
  axis?: number | number[];
  /** Which weights; default kernels only. */
  appliesTo?: string | RegExp;
}

/**
 * Unit-norm constraint: `w_j <- w_j / ||w_j||_2` for every unit `j` (as Keras' `UnitNorm`).
 * @example kernel.assign(unitNorm()(kernel, 'dense_1/kernel'));
 */
export function unitNorm(options: UnitNormOptions = {}): WeightConstraint {
  const axis = checkAxis(options.axis);
  const appliesTo = checkAppliesTo(options.appliesTo ?? KERNELS);
  return makeConstraint(
    'regularizers.unitNorm',
    appliesTo,
    (w) => tf.tidy(() => tf.div(w, tf.add(unitNorms(w, axis), NORM_EPSILON))),
    () => ({
      kind: 'regularizers.unitNorm',
      version: 1,
      axis: axis ?? null,
      appliesTo: appliesToJSON(appliesTo),
    }),
  );
}

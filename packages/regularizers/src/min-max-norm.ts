import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, ValueRangeError } from '@trainkit/core';
import { appliesToJSON, checkAppliesTo, KERNELS } from './applies-to';
import {
  checkAxis,
  makeConstraint,
  NORM_EPSILON,
  unitNorms,
  type WeightConstraint,
} from './constraint';

export interface MinMaxNormOptions {
  /** Smallest allowed unit norm, >= 0. Default 0. */
  minValue?: number;
  /** Largest allowed unit norm, >= minValue. Default 1. */
  maxValue?: number;
  /** Interpolation toward the clipped norm, in (0, 1]; 1 = strict projection. Default 1. */
  rate?: number;
  /** Axes of one unit's incoming weights; default every axis but the last. */
  axis?: number | number[];
  /** Which weights; default kernels only. */
  appliesTo?: string | RegExp;
}

/**
 * Min-max-norm (Keras' `MinMaxNorm`): each unit's norm `n` moves to
 * `rate * clip(n, minValue, maxValue) + (1 - rate) * n`.
 * @example const c = minMaxNorm({ minValue: 0.5, maxValue: 2 });
 */
export function minMaxNorm(options: MinMaxNormOptions = {}): WeightConstraint {
  const minValue = assertNumber('minValue', options.minValue ?? 0, { min: 0 });
  const maxValue = assertNumber('maxValue', options.maxValue ?? 1, { min: 0 });
  if (maxValue < minValue) {
    throw new ValueRangeError('maxValue must be >= minValue', {
      argument: 'maxValue',
      expected: `>= minValue (${minValue})`,
      received: maxValue,
    });
  }
  const rate = assertNumber('rate', options.rate ?? 1, { min: 0, max: 1, exclusiveMin: true });
  const axis = checkAxis(options.axis);
  const appliesTo = checkAppliesTo(options.appliesTo ?? KERNELS);
  return makeConstraint(
    'regularizers.minMaxNorm',
    appliesTo,
    (w) =>
      tf.tidy(() => {
        const n = unitNorms(w, axis);
        const desired = tf.add(
          tf.mul(rate, tf.clipByValue(n, minValue, maxValue)),
          tf.mul(1 - rate, n),
        );
        return tf.mul(w, tf.div(desired, tf.add(n, NORM_EPSILON)));
      }),
    () => ({
      kind: 'regularizers.minMaxNorm',
      version: 1,
      minValue,
      maxValue,
      rate,
      axis: axis ?? null,
      appliesTo: appliesToJSON(appliesTo),
    }),
  );
}

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Constraint, type Serialized, ShapeError } from '@trainkit/core';

/** A trainkit constraint with its kind and options; `appliesTo` is honoured by the caller (train). */
export interface WeightConstraint extends Constraint {
  readonly kind: string;
  readonly appliesTo: string | RegExp;
  toJSON(): Serialized;
}

/** Keras' epsilon in the norm divisions: keeps an all-zero unit at zero instead of NaN. */
export const NORM_EPSILON = 1e-7;

/**
 * Validates an `axis` option: the axes a unit's incoming weights lie along. `undefined` means
 * every axis but the last, i.e. the Keras convention for kernels whose last axis is the output
 * unit: `axis = 0` for dense `[in, out]`, `[0, 1, 2]` for conv `[kh, kw, in, out]`.
 */
export function checkAxis(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((a) => typeof a === 'number' && Number.isInteger(a))) {
    throw new ConfigError('must be an integer axis or a non-empty list of them', {
      argument: 'axis',
      expected: 'an integer or integer[] (default: every axis but the last)',
      received: value,
    });
  }
  return list as number[];
}

/** The reduction axes for a weight of `shape`, normalised and range-checked. */
export function unitAxes(axis: number[] | undefined, shape: readonly number[]): number[] {
  const rank = shape.length;
  if (axis === undefined) {
    if (rank < 2) {
      throw new ShapeError('a norm constraint needs a kernel of rank >= 2 or an explicit axis', {
        argument: 'weight',
        expected: 'rank >= 2 ([in, out] or [kh, kw, in, out])',
        receivedText: `rank ${rank} (shape [${shape.join(', ')}])`,
      });
    }
    return Array.from({ length: rank - 1 }, (_, i) => i);
  }
  return axis.map((a) => {
    if (a < -rank || a >= rank) {
      throw new ShapeError('axis out of range for the weight', {
        argument: 'axis',
        expected: `an axis in [${-rank}, ${rank - 1}] for shape [${shape.join(', ')}]`,
        received: a,
      });
    }
    return a < 0 ? a + rank : a;
  });
}

/** Builds a {@link WeightConstraint}. */
export function makeConstraint(
  kind: string,
  appliesTo: string | RegExp,
  project: (w: tf.Tensor) => tf.Tensor,
  json: () => Serialized,
): WeightConstraint {
  const c = (w: tf.Tensor, _name: string): tf.Tensor => project(w);
  return Object.assign(c, { kind, appliesTo, toJSON: json });
}

/** `||w_j||_2` of every unit, kept as size-1 dims so it broadcasts against `w`. */
export function unitNorms(w: tf.Tensor, axis: number[] | undefined): tf.Tensor {
  // tf.norm reduces over at most two axes; a conv unit spans three.
  return tf.sqrt(tf.sum(tf.square(w), unitAxes(axis, w.shape), true));
}

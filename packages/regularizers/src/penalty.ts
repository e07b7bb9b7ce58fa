import * as tf from '@tensorflow/tfjs-core';
import { matchesName, type Penalty, type Serialized, type TensorMap } from '@trainkit/core';

/**
 * A weight penalty: called on a parameter map it sums its per-weight term over every weight
 * whose name matches `appliesTo`; `weight(w)` is the term for one tensor (what the tfjs-layers
 * adapter uses). The result is a new scalar the caller owns.
 */
export interface WeightPenalty extends Penalty {
  readonly kind: string;
  readonly appliesTo: string | RegExp;
  /** The penalty of one weight tensor, ignoring `appliesTo`. */
  weight(w: tf.Tensor): tf.Scalar;
  toJSON(): Serialized;
}

/** Builds a {@link WeightPenalty} from its per-weight term. */
export function makePenalty(
  kind: string,
  appliesTo: string | RegExp,
  term: (w: tf.Tensor) => tf.Scalar,
  json: () => Serialized,
): WeightPenalty {
  const weight = (w: tf.Tensor): tf.Scalar => tf.tidy(() => term(w));
  const penalty = (params: TensorMap): tf.Scalar =>
    tf.tidy(() => {
      let total: tf.Scalar = tf.scalar(0);
      for (const [name, w] of Object.entries(params)) {
        if (matchesName(appliesTo, name)) total = tf.add(total, term(w));
      }
      return total;
    });
  return Object.assign(penalty, { kind, appliesTo, weight, toJSON: json });
}

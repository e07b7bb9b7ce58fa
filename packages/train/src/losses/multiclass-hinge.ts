import * as tf from '@tensorflow/tfjs-core';
import { assertNumber } from '@trainkit/core';
import { type Loss, makeLoss } from './loss';
import { oneHotTargets } from './one-hot-targets';

export interface MulticlassHingeOptions {
  /** The margin Delta. Default 1. */
  margin?: number;
}

/**
 * Multiclass SVM hinge loss in the Weston & Watkins 1999 form used by CS231n:
 * `L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + Delta)`, averaged over the batch.
 * Labels sparse (`[N]`) or one-hot (`[N, C]`); predictions are raw scores `[N, C]`.
 *
 * @example
 * const l = multiclassHinge()(tf.tensor1d([0], 'int32'), tf.tensor2d([[3.2, 5.1, -1.7]])); // 2.9
 */
export function multiclassHinge(options: MulticlassHingeOptions = {}): Loss {
  const margin = assertNumber('margin', options.margin ?? 1, { min: 0 });
  return makeLoss(
    'train.multiclassHinge',
    (yTrue, yPred) =>
      tf.tidy(() => {
        const y = oneHotTargets(yTrue, yPred);
        const correct = tf.sum(tf.mul(yPred, y), -1, true); // s_{y_i}
        const margins = tf.relu(tf.add(tf.sub(yPred, correct), margin));
        // the j = y_i term is max(0, Delta): mask it out
        const others = tf.mul(margins, tf.sub(1, y));
        return tf.mean(tf.sum(others, -1)) as tf.Scalar;
      }),
    { margin },
  );
}

import * as tf from '@tensorflow/tfjs-core';
import { assertNumber } from '@trainkit/core';
import { oneHotTargets } from '../losses/one-hot-targets';
import { type Metric, makeMetric } from './metric';

export interface TopKAccuracyOptions {
  /** How many top-scored classes may contain the label. Default 5. */
  k?: number;
}

/**
 * Fraction of examples whose label is among the `k` highest scores, logged as `top{k}_acc`.
 * Ties straddling the boundary count as in (as TensorFlow's `in_top_k`): an example is a hit
 * when fewer than `k` classes score strictly higher than its label. Computed on the device.
 *
 * @example
 * topKAccuracy({ k: 2 })(tf.tensor1d([2], 'int32'), tf.tensor2d([[0.1, 0.5, 0.4]])); // 1
 */
export function topKAccuracy(options: TopKAccuracyOptions = {}): Metric {
  const k = assertNumber('k', options.k ?? 5, { min: 1, integer: true });
  const name = `top${k}_acc`;
  const fn = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar =>
    tf.tidy(() => {
      const y = oneHotTargets(yTrue, yPred);
      const labelScore = tf.sum(tf.mul(yPred, y), -1, true);
      const higher = tf.sum(tf.cast(tf.greater(yPred, labelScore), 'float32'), -1);
      return tf.mean(tf.cast(tf.less(higher, k), 'float32')) as tf.Scalar;
    });
  return makeMetric('train.topKAccuracy', name, fn, { k });
}

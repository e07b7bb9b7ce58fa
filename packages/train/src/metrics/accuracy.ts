import * as tf from '@tensorflow/tfjs-core';
import { assertNumber } from '@trainkit/core';
import { assertSameShape, labelForm } from '../losses/loss';
import { type Metric, makeMetric } from './metric';

export interface AccuracyOptions {
  /**
   * For a single output (`[N]` or `[N, 1]` predictions): a prediction counts as class 1 when
   * it is > `threshold`. Use 0 for logits. Default 0.5.
   */
  threshold?: number;
}

/**
 * Fraction of correct predictions, logged as `acc`. Multiclass `[N, C]` predictions: the
 * arg-max against sparse or one-hot labels; single-output predictions: thresholded.
 *
 * @example
 * accuracy()(tf.tensor1d([1, 0], 'int32'), tf.tensor2d([[0.2, 0.8], [0.1, 0.9]])); // 0.5
 */
export function accuracy(options: AccuracyOptions = {}): Metric {
  const threshold = assertNumber('threshold', options.threshold ?? 0.5);
  const fn = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar => {
    const binary = yPred.rank === 1 || (yPred.rank === 2 && yPred.shape[1] === 1);
    if (binary) {
      assertSameShape(yTrue, yPred);
      return tf.tidy(() => {
        const hit = tf.equal(
          tf.cast(tf.greater(yPred, threshold), 'float32'),
          tf.cast(yTrue, 'float32'),
        );
        return tf.mean(tf.cast(hit, 'float32')) as tf.Scalar;
      });
    }
    const form = labelForm(yTrue, yPred);
    return tf.tidy(() => {
      const predicted = tf.argMax(yPred, -1);
      const labels =
        form === 'sparse' ? tf.cast(tf.reshape(yTrue, [-1]), 'int32') : tf.argMax(yTrue, -1);
      return tf.mean(tf.cast(tf.equal(predicted, labels), 'float32')) as tf.Scalar;
    });
  };
  return makeMetric('train.accuracy', 'acc', fn, { threshold });
}

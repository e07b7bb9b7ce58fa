import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertPositiveInt, ShapeError } from '@trainkit/core';
import { labelForm } from '../losses/loss';

export interface ConfusionMatrixOptions {
  /**
   * Number of classes. Default: `yPred.shape[1]` for `[N, C]` scores, 2 for a single output.
   * With class indices as predictions (`[N]` int32), required.
   */
  numClasses?: number;
  /** A single output (`[N]` / `[N, 1]`) predicts class 1 when > `threshold`. Default 0.5 (0 for logits). */
  threshold?: number;
}

/**
 * The predicted and true class indices (int32 `[N]`) of a batch, and the number of classes.
 * Scores `[N, C]` (probabilities or logits) predict their arg-max; a single output is thresholded;
 * int32 `[N]` predictions are class indices already. Labels are sparse or one-hot.
 */
export function classIndices(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: ConfusionMatrixOptions = {},
): { labels: tf.Tensor1D; predicted: tf.Tensor1D; numClasses: number } {
  const threshold = assertNumber('threshold', options.threshold ?? 0.5);
  const n = yPred.shape[0] as number;
  const single = yPred.rank === 1 || (yPred.rank === 2 && yPred.shape[1] === 1);
  if (single) {
    const indices = yPred.dtype === 'int32' && yPred.rank === 1;
    const numClasses = indices
      ? assertPositiveInt('numClasses', options.numClasses)
      : assertPositiveInt('numClasses', options.numClasses ?? 2);
    if (yTrue.size !== n || (yTrue.rank === 2 && yTrue.shape[1] !== 1) || yTrue.rank > 2) {
      throw new ShapeError('labels do not match predictions', {
        argument: 'yTrue',
        expected: `${n} class indices ([${n}] or [${n}, 1])`,
        receivedText: `shape [${yTrue.shape.join(', ')}]`,
      });
    }
    return tf.tidy(() => ({
      labels: tf.cast(tf.reshape(yTrue, [-1]), 'int32') as tf.Tensor1D,
      predicted: (indices
        ? yPred
        : tf.cast(tf.greater(tf.reshape(yPred, [-1]), threshold), 'int32')) as tf.Tensor1D,
      numClasses,
    }));
  }
  const form = labelForm(yTrue, yPred);
  const numClasses = assertPositiveInt('numClasses', options.numClasses ?? yPred.shape[1]);
  if (numClasses !== yPred.shape[1]) {
    throw new ShapeError('numClasses differs from the predictions', {
      argument: 'numClasses',
      expected: `${yPred.shape[1]} (yPred's second dimension)`,
      received: numClasses,
    });
  }
  return tf.tidy(() => ({
    labels: (form === 'sparse'
      ? tf.cast(tf.reshape(yTrue, [-1]), 'int32')
      : tf.cast(tf.argMax(yTrue, -1), 'int32')) as tf.Tensor1D,
    predicted: tf.cast(tf.argMax(yPred, -1), 'int32') as tf.Tensor1D,
    numClasses,
  }));
}

/**
 * The confusion matrix of a batch, `[C, C]` float32 counts on the device: row = true class,
 * column = predicted class (scikit-learn's `confusion_matrix` convention). Labels outside
 * `[0, C)` count nowhere. Sum over batches for a data set (as `evaluate` does).
 *
 * @example
 * confusionMatrix(tf.tensor1d([0, 1, 1], 'int32'), tf.tensor2d([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]]));
 * // [[1, 0], [1, 1]]
 */
export function confusionMatrix(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: ConfusionMatrixOptions = {},
): tf.Tensor2D {
  const { labels, predicted, numClasses } = classIndices(yTrue, yPred, options);
  return tf.tidy(() => {
    const t = tf.cast(tf.oneHot(labels, numClasses), 'float32');
    const p = tf.cast(tf.oneHot(predicted, numClasses), 'float32');
    tf.dispose([labels, predicted]);
    // Counts stay exact in float32 up to 2^24 examples per cell.
    return tf.matMul(t, p, true, false) as tf.Tensor2D;
  });
}

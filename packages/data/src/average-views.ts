import * as tf from '@tensorflow/tfjs-core';
import { assertPositiveInt, ShapeError } from '@trainkit/core';

/**
 * Averages the predictions of the views of each image made by a test-time-augmentation recipe
 * ({@link tenCrop}): `predictions` `[b * views, k]`, the views of one image consecutive (as the
 * image folder yields them) -> `[b, k]`, the mean over each image's views (torchvision's
 * `result.view(bs, ncrops, -1).mean(1)`). Pass probabilities (softmax) to average those, logits to
 * average logits. Returns a tensor the caller owns.
 *
 * @example
 * const probs = averageViews(tf.softmax(model.predict(x) as tf.Tensor2D), 10);
 */
export function averageViews(predictions: tf.Tensor, views: number): tf.Tensor2D {
  assertPositiveInt('views', views);
  if (!(predictions instanceof tf.Tensor) || predictions.rank !== 2) {
    throw new ShapeError('predictions must be a rank-2 tensor [b * views, k]', {
      argument: 'predictions',
      received: predictions,
    });
  }
  const [n, k] = predictions.shape as [number, number];
  if (n % views !== 0) {
    throw new ShapeError('the number of rows is not a multiple of views', {
      argument: 'predictions',
      expected: `a multiple of ${views} rows`,
      receivedText: `${n} rows`,
    });
  }
  return tf.tidy(() => tf.mean(tf.reshape(predictions, [n / views, views, k]), 1) as tf.Tensor2D);
}

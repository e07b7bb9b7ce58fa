import * as tf from '@tensorflow/tfjs-core';
import { assertSameShape, type Loss, makeLoss } from './loss';

/**
 * Mean squared error `1/n sum (y - yhat)^2` over every element of the batch.
 *
 * @example
 * meanSquaredError()(tf.tensor1d([1, 2]), tf.tensor1d([1, 4])); // 2
 */
export function meanSquaredError(): Loss {
  return makeLoss(
    'train.meanSquaredError',
    (yTrue, yPred) => {
      assertSameShape(yTrue, yPred);
      return tf.tidy(() => tf.mean(tf.squaredDifference(yTrue, yPred)) as tf.Scalar);
    },
    {},
  );
}

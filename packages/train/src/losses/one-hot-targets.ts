import * as tf from '@tensorflow/tfjs-core';
import { labelForm } from './loss';

/** Dense float targets `[batch, classes]` from sparse integer labels or one-hot targets. */
export function oneHotTargets(yTrue: tf.Tensor, yPred: tf.Tensor, argument = 'yTrue'): tf.Tensor {
  const form = labelForm(yTrue, yPred, argument);
  if (form === 'dense') return tf.cast(yTrue, 'float32');
  const labels = tf.cast(tf.reshape(yTrue, [-1]), 'int32');
  return tf.oneHot(labels, yPred.shape[1] as number, 1, 0, 'float32');
}

import * as tf from '@tensorflow/tfjs-core';
import { labelForm } from './loss';

/** Dense float targets `[batch, classes]` from sparse integer labels or one-hot targets. */
export function oneHotTargets(yTrue: tf.Tensor, yPred: tf.Tensor, argument = 'yTrue'): tf.Tensor {
  const form = labelForm(yTrue, yPred, argument);
  if (form === 'dense') return tf.cast(yTrue, 'float32');
  const labels = tf.cast(tf.reshape(yTrue, [-1]), 'int32');
  // Cast rather than oneHot's dtype argument: tfjs-backend-wasm 4.22's OneHot kernel ignores it and
  // writes int32 data into a float32 tensor (every 1 reads as 1.4e-45).
  return tf.cast(tf.oneHot(labels, yPred.shape[1] as number), 'float32');
}

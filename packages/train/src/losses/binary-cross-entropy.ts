import * as tf from '@tensorflow/tfjs-core';
import { assertNumber } from '@trainkit/core';
import { assertSameShape, type Loss, makeLoss } from './loss';

export interface BinaryCrossEntropyOptions {
  /** Predictions are logits `z` (sigmoid not applied yet). Default `false` (probabilities). */
  fromLogits?: boolean;
  /** Probabilities are clipped to `[epsilon, 1 - epsilon]` before the log. Default 1e-7. */
  epsilon?: number;
}

/**
 * Binary cross-entropy `-mean(y log p + (1 - y) log(1 - p))` over every element.
 * From logits it uses the stable form `max(z, 0) - z y + log(1 + exp(-|z|))`
 * (as TensorFlow's `sigmoid_cross_entropy_with_logits`).
 *
 * @example
 * binaryCrossEntropy({ fromLogits: true })(tf.tensor1d([1]), tf.tensor1d([0])); // log 2
 */
export function binaryCrossEntropy(options: BinaryCrossEntropyOptions = {}): Loss {
  const fromLogits = options.fromLogits ?? false;
  const eps = assertNumber('epsilon', options.epsilon ?? 1e-7, {
    min: 0,
    max: 0.5,
    exclusiveMax: true,
  });
  return makeLoss(
    'train.binaryCrossEntropy',
    (yTrue, yPred) => {
      assertSameShape(yTrue, yPred);
      return tf.tidy(() => {
        const y = tf.cast(yTrue, 'float32');
        if (fromLogits) {
          const z = yPred;
          const l = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
          return tf.mean(l) as tf.Scalar;
        }
        const p = tf.clipByValue(yPred, eps, 1 - eps);
        const l = tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))));
        return tf.neg(tf.mean(l)) as tf.Scalar;
      });
    },
    { fromLogits, epsilon: eps },
  );
}

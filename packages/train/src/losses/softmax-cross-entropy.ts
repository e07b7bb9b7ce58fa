import * as tf from '@tensorflow/tfjs-core';
import { assertNumber } from '@trainkit/core';
import { type Loss, makeLoss } from './loss';
import { oneHotTargets } from './one-hot-targets';

export interface SoftmaxCrossEntropyOptions {
  /** Predictions are unnormalised scores (logits); `false`: probabilities. Default `true`. */
  fromLogits?: boolean;
  /** Label smoothing epsilon in [0, 1): targets become `(1 - eps) * y + eps / C`. Default 0. */
  labelSmoothing?: number;
  /** Probabilities are clipped to `[epsilon, 1]` before the log when `fromLogits` is false. Default 1e-7. */
  epsilon?: number;
}

/**
 * Softmax cross-entropy `L = -1/N sum_i sum_c y_ic log softmax(s_i)_c`, labels sparse
 * (`[N]` integers) or one-hot (`[N, C]`). Label smoothing as in Szegedy et al. 2016,
 * "Rethinking the Inception architecture", sec. 7: `y' = (1 - eps) y + eps / C`.
 *
 * @example
 * const loss = softmaxCrossEntropy({ labelSmoothing: 0.1 });
 * const l = loss(tf.tensor1d([2, 0], 'int32'), logits); // scalar
 */
export function softmaxCrossEntropy(options: SoftmaxCrossEntropyOptions = {}): Loss {
  const fromLogits = options.fromLogits ?? true;
  const eps = assertNumber('labelSmoothing', options.labelSmoothing ?? 0, {
    min: 0,
    max: 1,
    exclusiveMax: true,
  });
  const clip = assertNumber('epsilon', options.epsilon ?? 1e-7, { min: 0, max: 0.5 });
  return makeLoss(
    'train.softmaxCrossEntropy',
    (yTrue, yPred) =>
      tf.tidy(() => {
        let y = oneHotTargets(yTrue, yPred);
        const C = yPred.shape[1] as number;
        if (eps > 0) y = tf.add(tf.mul(y, 1 - eps), eps / C);
        const logP = fromLogits ? tf.logSoftmax(yPred) : tf.log(tf.clipByValue(yPred, clip, 1));
        return tf.neg(tf.mean(tf.sum(tf.mul(y, logP), -1))) as tf.Scalar;
      }),
    { fromLogits, labelSmoothing: eps, epsilon: clip },
  );
}

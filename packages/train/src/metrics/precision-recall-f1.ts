import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertOneOf } from '@trainkit/core';
import { type Average, classificationReport, scoreOf } from './classification-report';
import { type ConfusionMatrixOptions, confusionMatrix } from './confusion-matrix';
import { type Metric, makeMetric } from './metric';

export interface ClassificationMetricOptions extends ConfusionMatrixOptions {
  /** `'macro'` (default), `'micro'` or `'weighted'`, as scikit-learn's `average`. */
  average?: Average;
  /** Score of one class instead of an average (logged as `<name>_class<k>`). */
  classIndex?: number;
}

type Key = 'precision' | 'recall' | 'f1';

/**
 * On the device, from a `[C, C]` confusion matrix: the per-class score (`[C]`) and its average.
 * Ratios with a zero denominator are 0 (scikit-learn's `zero_division=0`).
 */
function scoreFromMatrix(
  m: tf.Tensor2D,
  key: Key,
  average: Average,
  classIndex: number | undefined,
): tf.Scalar {
  return tf.tidy(() => {
    const c = m.shape[0];
    const tp = tf.sum(tf.mul(m, tf.eye(c)), 1);
    const support = tf.sum(m, 1);
    const predicted = tf.sum(m, 0);
    const f1 = (p: tf.Tensor, r: tf.Tensor) => tf.divNoNan(tf.mul(2, tf.mul(p, r)), tf.add(p, r));
    if (average === 'micro' && classIndex === undefined) {
      const t = tf.sum(tp);
      const p = tf.divNoNan(t, tf.sum(predicted));
      const r = tf.divNoNan(t, tf.sum(support));
      return (key === 'precision' ? p : key === 'recall' ? r : f1(p, r)) as tf.Scalar;
    }
    const p = tf.divNoNan(tp, predicted);
    const r = tf.divNoNan(tp, support);
    const perClass = key === 'precision' ? p : key === 'recall' ? r : f1(p, r);
    if (classIndex !== undefined) return tf.reshape(tf.slice(perClass, [classIndex], [1]), []);
    if (average === 'weighted') {
      return tf.divNoNan(tf.sum(tf.mul(perClass, support)), tf.sum(support)) as tf.Scalar;
    }
    return tf.mean(perClass) as tf.Scalar;
  });
}

function classificationMetric(
  key: Key,
  short: string,
  options: ClassificationMetricOptions,
): Metric {
  const average = assertOneOf('average', options.average ?? 'macro', [
    'macro',
    'micro',
    'weighted',
  ] as const);
  const classIndex =
    options.classIndex === undefined
      ? undefined
      : assertNumber('classIndex', options.classIndex, { min: 0, integer: true });
  const cm: ConfusionMatrixOptions = {
    ...(options.numClasses === undefined ? {} : { numClasses: options.numClasses }),
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
  };
  const name = classIndex === undefined ? `${short}_${average}` : `${short}_class${classIndex}`;
  const fn = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar => {
    const m = confusionMatrix(yTrue, yPred, cm);
    const s = scoreFromMatrix(m, key, average, classIndex);
    m.dispose();
    return s;
  };
  const metric = makeMetric(`train.${key === 'f1' ? 'f1Score' : key}`, name, fn, {
    ...cm,
    average,
    ...(classIndex === undefined ? {} : { classIndex }),
  });
  // evaluate() sums confusion matrices over all batches and scores the total (exact, unlike a
  // mean of per-batch F1s).
  return Object.assign(metric, {
    confusion: {
      options: cm,
      score: (matrix: number[][]) =>
        scoreOf(classificationReport(matrix), key, average, classIndex),
    },
  });
}

/**
 * Precision `tp / (tp + fp)`, averaged over classes (`'macro'`, default), from the summed counts
 * (`'micro'`) or weighted by support (`'weighted'`), or of one class (`classIndex`); logged as
 * `precision_macro`, `precision_class2`, ... In `evaluate` (and so for `val_` metrics in `fit`) it is
 * exact over the whole data (confusion matrices summed over batches); as a training metric it is
 * the mean of per-batch values, as any batch metric.
 *
 * @example
 * precision({ average: 'macro' })(tf.tensor1d([0, 1, 1], 'int32'), tf.tensor2d([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]]));
 * // (1/2 + 1/1) / 2 = 0.75
 */
export function precision(options: ClassificationMetricOptions = {}): Metric {
  return classificationMetric('precision', 'precision', options);
}

/**
 * Recall `tp / (tp + fn)` with the averages of {@link precision}; logged as `recall_macro`, ...
 *
 * @example recall({ average: 'weighted' })
 */
export function recall(options: ClassificationMetricOptions = {}): Metric {
  return classificationMetric('recall', 'recall', options);
}

/**
 * F1 `2 p r / (p + r)` per class with the averages of {@link precision} (macro F1 is the mean of
 * the per-class F1s, as scikit-learn); logged as `f1_macro`, ...
 *
 * @example f1Score({ average: 'macro' })
 */
export function f1Score(options: ClassificationMetricOptions = {}): Metric {
  return classificationMetric('f1', 'f1', options);
}

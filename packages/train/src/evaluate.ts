import * as tf from '@tensorflow/tfjs-core';
import { assertPositiveInt, ConfigError, type Logs, type Params, Rng } from '@trainkit/core';
import { type Batch, checkTensorData, epochBatches, isTensorData, type TrainData } from './batches';
import type { Loss } from './losses/loss';
import { type ClassificationReport, classificationReport } from './metrics/classification-report';
import { type ConfusionMatrixOptions, confusionMatrix } from './metrics/confusion-matrix';
import type { Metric } from './metrics/metric';
import type { Forward } from './train-step';

export interface EvaluateOptions {
  loss: Loss;
  /**
   * Mean metrics (`accuracy()`) and confusion-matrix metrics (`precision()`, `recall()`,
   * `f1Score()`): the latter are computed exactly over all of `data`, not averaged per batch.
   */
  metrics?: Metric[];
  /** Examples per forward pass. Default 256. */
  batchSize?: number;
}

/** What {@link EvaluateWithReportOptions.classification} asks for. */
export interface ClassificationReportOptions extends ConfusionMatrixOptions {
  /** Class names for the report. Default `'0'`, `'1'`, ... */
  labels?: string[];
}

/** {@link EvaluateOptions} plus a classification report of the whole data. */
export interface EvaluateWithReportOptions extends EvaluateOptions {
  /** `true` or options: also return the confusion matrix and per-class/averaged P, R, F1. */
  classification: true | ClassificationReportOptions;
}

/** The result of an evaluation with `classification`: the logs and the report. */
export interface EvaluationWithReport {
  logs: Logs;
  classification: ClassificationReport;
}

/**
 * Mean loss and metrics of `forward` over `data` in inference mode (`training: false`),
 * summed on the device and read back once. Keys: `loss` and each metric's name.
 *
 * @example
 * const logs = await evaluateFunction(params, forward, { x, y }, { loss: softmaxCrossEntropy(), metrics: [accuracy()] });
 */
export async function evaluateFunction(
  params: Params,
  forward: Forward,
  data: TrainData,
  options: EvaluateWithReportOptions,
): Promise<EvaluationWithReport>;
export async function evaluateFunction(
  params: Params,
  forward: Forward,
  data: TrainData,
  options: EvaluateOptions,
): Promise<Logs>;
export async function evaluateFunction(
  params: Params,
  forward: Forward,
  data: TrainData,
  options: EvaluateOptions & { classification?: true | ClassificationReportOptions },
): Promise<Logs | EvaluationWithReport> {
  const batchSize = assertPositiveInt('batchSize', options.batchSize ?? 256);
  if (isTensorData(data)) checkTensorData(data, 'validationData');
  const metrics = options.metrics ?? [];
  const meanMetrics = metrics.filter((m) => !m.confusion);
  const names = ['loss', ...meanMetrics.map((m) => m.name)];
  const report = options.classification === true ? {} : options.classification;
  // One summed confusion matrix per distinct set of options (metrics and the report share).
  const matrixOptions = new Map<string, ConfusionMatrixOptions>();
  const keyOf = (o: ConfusionMatrixOptions) =>
    JSON.stringify({ numClasses: o.numClasses, threshold: o.threshold });
  for (const m of metrics)
    if (m.confusion) matrixOptions.set(keyOf(m.confusion.options), m.confusion.options);
  if (report) matrixOptions.set(keyOf(report), report);
  const matrices = new Map<string, tf.Tensor>();
  let sums: tf.Tensor = tf.zeros([names.length]);
  let count = 0;
  try {
    for await (const b of epochBatches(data, { batchSize, shuffle: false, rng: new Rng(0) })) {
      const yPred = tf.tidy(() => forward(params, b.x, { training: false }));
      try {
        const next = tf.tidy(() => {
          const vals = [options.loss(b.y, yPred), ...meanMetrics.map((m) => m(b.y, yPred))];
          return tf.add(sums, tf.mul(tf.stack(vals), b.x.shape[0] as number));
        });
        sums.dispose();
        sums = next;
        for (const [key, o] of matrixOptions) {
          const m = confusionMatrix(b.y, yPred, o);
          const prev = matrices.get(key);
          matrices.set(key, prev ? tf.tidy(() => tf.add(prev, m)) : m);
          if (prev) tf.dispose([prev, m]);
        }
      } finally {
        yPred.dispose();
        count += b.x.shape[0] as number;
        disposeBatch(b);
      }
    }
  } catch (e) {
    tf.dispose([sums, ...matrices.values()]);
    throw e;
  }
  if (count === 0) {
    tf.dispose([...matrices.values()]);
    sums.dispose();
    throw new ConfigError('the data yielded no batches', {
      argument: 'data',
      expected:
        'at least one batch (pass a function returning a fresh iterable for repeated passes)',
      received: 'an empty or exhausted iterable',
    });
  }
  const values = await sums.data();
  sums.dispose();
  const counts = new Map<string, number[][]>();
  for (const [key, m] of matrices) {
    counts.set(
      key,
      ((await m.array()) as number[][]).map((row) => row.map(Math.round)),
    );
    m.dispose();
  }
  const logs: Logs = {};
  names.forEach((n, i) => {
    logs[n] = (values[i] as number) / Math.max(count, 1);
  });
  for (const m of metrics) {
    if (m.confusion) logs[m.name] = m.confusion.score(counts.get(keyOf(m.confusion.options))!);
  }
  if (!report) return logs;
  const labels = report.labels;
  return {
    logs,
    classification: classificationReport(
      counts.get(keyOf(report))!,
      labels === undefined ? {} : { labels },
    ),
  };
}

function disposeBatch(b: Batch): void {
  tf.dispose([b.x, b.y]);
}

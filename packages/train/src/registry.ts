// The losses and metrics of this package in the core registry, by explicit call (never on import,
// so `sideEffects: false` holds). `lossFromJSON` / `metricFromJSON` register on first use.
import { fromJSON, registerKind, type Serialized } from '@trainkit/core';
import { type BinaryCrossEntropyOptions, binaryCrossEntropy } from './losses/binary-cross-entropy';
import type { Loss } from './losses/loss';
import { meanSquaredError } from './losses/mean-squared-error';
import { type MulticlassHingeOptions, multiclassHinge } from './losses/multiclass-hinge';
import {
  type SoftmaxCrossEntropyOptions,
  softmaxCrossEntropy,
} from './losses/softmax-cross-entropy';
import { type AccuracyOptions, accuracy } from './metrics/accuracy';
import type { Metric } from './metrics/metric';
import {
  type ClassificationMetricOptions,
  f1Score,
  precision,
  recall,
} from './metrics/precision-recall-f1';
import { type TopKAccuracyOptions, topKAccuracy } from './metrics/top-k-accuracy';

/** The kinds {@link registerTrainKinds} registers. */
export const TRAIN_KINDS = [
  'train.binaryCrossEntropy',
  'train.softmaxCrossEntropy',
  'train.meanSquaredError',
  'train.multiclassHinge',
  'train.accuracy',
  'train.topKAccuracy',
  'train.precision',
  'train.recall',
  'train.f1Score',
] as const;

/**
 * Registers this package's losses (`train.softmaxCrossEntropy`, ...) and metrics
 * (`train.accuracy`, ...) with the core registry, so the core `fromJSON` rebuilds them.
 * Idempotent; {@link lossFromJSON} and {@link metricFromJSON} call it for you.
 * @example registerTrainKinds(); const loss = fromJSON<Loss>(json); // core fromJSON
 */
export function registerTrainKinds(): void {
  registerKind('train.binaryCrossEntropy', (j: Serialized) =>
    binaryCrossEntropy(j as BinaryCrossEntropyOptions),
  );
  registerKind('train.softmaxCrossEntropy', (j: Serialized) =>
    softmaxCrossEntropy(j as SoftmaxCrossEntropyOptions),
  );
  registerKind('train.meanSquaredError', () => meanSquaredError());
  registerKind('train.multiclassHinge', (j: Serialized) =>
    multiclassHinge(j as MulticlassHingeOptions),
  );
  registerKind('train.accuracy', (j: Serialized) => accuracy(j as AccuracyOptions));
  registerKind('train.topKAccuracy', (j: Serialized) => topKAccuracy(j as TopKAccuracyOptions));
  registerKind('train.precision', (j: Serialized) => precision(j as ClassificationMetricOptions));
  registerKind('train.recall', (j: Serialized) => recall(j as ClassificationMetricOptions));
  registerKind('train.f1Score', (j: Serialized) => f1Score(j as ClassificationMetricOptions));
}

/**
 * Rebuilds a loss from its `toJSON()` (registers this package's kinds first).
 * @example const again = lossFromJSON(softmaxCrossEntropy({ labelSmoothing: 0.1 }).toJSON());
 */
export function lossFromJSON(json: unknown): Loss {
  registerTrainKinds();
  return fromJSON<Loss>(json);
}

/**
 * Rebuilds a metric from its `toJSON()` (registers this package's kinds first).
 * @example const again = metricFromJSON(topKAccuracy({ k: 5 }).toJSON());
 */
export function metricFromJSON(json: unknown): Metric {
  registerTrainKinds();
  return fromJSON<Metric>(json);
}

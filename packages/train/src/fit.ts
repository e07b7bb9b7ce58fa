import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Logs, modelParams } from '@trainkit/core';
import type { TrainData } from './batches';
import {
  type EvaluateOptions,
  type EvaluateWithReportOptions,
  type EvaluationWithReport,
  evaluateFunction,
} from './evaluate';
import { type FitOptions, type FitResult, fitFunction } from './fit-function';
import type { Forward } from './train-step';

/** The part of a tfjs-layers `LayersModel` that `fit` uses. */
export interface TrainableModel {
  readonly trainableWeights: {
    name: string;
    originalName?: string;
    trainable: boolean;
    read(): tf.Tensor;
  }[];
  apply(x: tf.Tensor, kwargs?: { training?: boolean }): unknown;
}

function modelForward(model: TrainableModel): Forward {
  if (!model || typeof model.apply !== 'function' || !Array.isArray(model.trainableWeights)) {
    throw new ConfigError('not a tfjs-layers model', {
      argument: 'model',
      expected: 'a LayersModel (tf.sequential() / tf.model())',
      received: model,
    });
  }
  return (_params, x, { training }) => model.apply(x, { training }) as tf.Tensor;
}

/**
 * Trains a tfjs-layers `LayersModel` with trainkit's loop: any gradient transformation, penalties,
 * constraints, accumulation, listeners lending gradients and updates, checkpoints, NaN stop.
 *
 * @example
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 10, inputShape: [784] })] });
 * const { history } = await fit(model, { x, y }, {
 *   loss: softmaxCrossEntropy(), metrics: [accuracy()], optimizer: sgd({ learningRate: 0.1 }),
 *   epochs: 3, batchSize: 64, validationData: { x: xVal, y: yVal },
 * });
 */
export async function fit(
  model: TrainableModel,
  data: TrainData,
  options: FitOptions,
): Promise<FitResult> {
  const forward = modelForward(model);
  return fitFunction(modelParams(model), forward, data, options);
}

/**
 * Mean loss and metrics of a model over `data` in inference mode. Precision, recall and F1
 * metrics are exact over the whole data. With `classification`, returns `{ logs, classification }`
 * where `classification` is a {@link ClassificationReport}: the confusion matrix, per-class and
 * macro/micro/weighted precision, recall, F1 and support (scikit-learn's definitions).
 *
 * @example
 * const { loss, acc, f1_macro } = await evaluate(model, { x: xTest, y: yTest }, {
 *   loss: softmaxCrossEntropy(), metrics: [accuracy(), f1Score({ average: 'macro' })] });
 * const { classification } = await evaluate(model, { x: xTest, y: yTest }, {
 *   loss: softmaxCrossEntropy(), classification: { labels: ['cat', 'dog'] } });
 * classification.confusionMatrix; // [[48, 2], [5, 45]]
 */
export async function evaluate(
  model: TrainableModel,
  data: TrainData,
  options: EvaluateWithReportOptions,
): Promise<EvaluationWithReport>;
export async function evaluate(
  model: TrainableModel,
  data: TrainData,
  options: EvaluateOptions,
): Promise<Logs>;
export async function evaluate(
  model: TrainableModel,
  data: TrainData,
  options: EvaluateOptions | EvaluateWithReportOptions,
): Promise<Logs | EvaluationWithReport> {
  const forward = modelForward(model);
  return evaluateFunction(modelParams(model), forward, data, options as EvaluateWithReportOptions);
}

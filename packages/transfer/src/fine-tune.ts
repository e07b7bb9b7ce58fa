import type { LayersModel } from '@tensorflow/tfjs-layers';
import { assertNumber, assertPositiveInt, type GradientTransformation } from '@trainkit/core';
import { adam, multiplyLearningRates } from '@trainkit/optimizers';
import {
  accuracy,
  type FitResult,
  fit,
  softmaxCrossEntropy,
  type TrainData,
} from '@trainkit/train';
import { freezeLayers } from './freeze-layers';
import { replaceHead } from './replace-head';

export interface FineTuneOptions {
  /** Classes of the new task. */
  numClasses: number;
  /** Learning rate of the new head. Default 1e-3. */
  headLr?: number;
  /** Pretrained layers learn at `headLr * baseLrMultiplier` (Yosinski et al. 2014; ~1/10). Default 0.1. */
  baseLrMultiplier?: number;
  /** Freeze the pretrained layers up to this one (name or index, inclusive). Default: none frozen. */
  freezeUpTo?: string | number;
  /** Hidden widths of the new head (see `replaceHead`). Default `[]`. */
  hidden?: number[];
  /** Head dropout. Default 0. */
  dropout?: number;
  /** Builds the base optimizer from the head learning rate. Default `adam`. */
  optimizer?: (learningRate: number) => GradientTransformation;
  epochs?: number;
  batchSize?: number;
  validationData?: TrainData;
  /** Shuffle seed. Default 0. */
  seed?: number;
}

/**
 * Fine-tuning (lecture case "large dataset"): replaces the classifier with a new `numClasses`
 * head, optionally freezes the early layers, and trains everything with discriminative learning
 * rates: the head at `headLr`, the pretrained body at `headLr * baseLrMultiplier`, through
 * `multiplyLearningRates`. Labels are sparse class indices; the model outputs logits.
 * Returns the new model (sharing the body's layers with `model`) and the fit result.
 *
 * @example
 * const { model: net, result } = await fineTune(doodlenet, { x, y }, { numClasses: 10, epochs: 2 });
 */
export async function fineTune(
  model: LayersModel,
  data: TrainData,
  options: FineTuneOptions,
): Promise<{ model: LayersModel; result: FitResult }> {
  assertPositiveInt('options.numClasses', options?.numClasses);
  const headLr = assertNumber('options.headLr', options.headLr ?? 1e-3, {
    min: 0,
    exclusiveMin: true,
  });
  const base = assertNumber('options.baseLrMultiplier', options.baseLrMultiplier ?? 0.1, {
    min: 0,
  });
  if (options.freezeUpTo !== undefined) freezeLayers(model, { to: options.freezeUpTo });
  const net = replaceHead(model, options.numClasses, {
    hidden: options.hidden ?? [],
    dropout: options.dropout ?? 0,
    name: 'head',
  });
  const inner = (options.optimizer ?? ((lr: number) => adam({ learningRate: lr })))(headLr);
  const optimizer = multiplyLearningRates({ 'head_*/**': 1, '**': base }, inner);
  const result = await fit(net as unknown as Parameters<typeof fit>[0], data, {
    loss: softmaxCrossEntropy(),
    metrics: [accuracy()],
    optimizer,
    epochs: options.epochs ?? 1,
    batchSize: options.batchSize ?? 32,
    rng: options.seed ?? 0,
    progress: false,
    ...(options.validationData === undefined ? {} : { validationData: options.validationData }),
  });
  return { model: net, result };
}

import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  assertNumber,
  assertPositiveInt,
  ConfigError,
  type GradientTransformation,
} from '@trainkit/core';
import { adam, multiplyLearningRates } from '@trainkit/optimizers';
import {
  accuracy,
  type FitResult,
  fit,
  softmaxCrossEntropy,
  type TrainData,
} from '@trainkit/train';
import { freezeLayers, unfreezeLayers } from './freeze-layers';
import { replaceHead } from './replace-head';
import { resolveLayerIndex } from './resolve-layer';

/** One stage of gradual unfreezing: train the body from layer `from` up (and the head) for `epochs`. */
export interface UnfreezeStage {
  /** Epochs of this stage (>= 1). */
  epochs: number;
  /** Lowest trainable body layer (name or index into the source model's layers); `'none'` = head only. */
  from: string | number | 'none';
}

export interface FineTuneOptions {
  /** Classes of the new task. */
  numClasses: number;
  /** Learning rate of the new head. Default 1e-3. */
  headLr?: number;
  /** Pretrained layers learn at `headLr * baseLrMultiplier` (Yosinski et al. 2014; ~1/10). Default 0.1. */
  baseLrMultiplier?: number;
  /** Freeze the pretrained layers up to this one (name or index, inclusive). Default: none frozen. */
  freezeUpTo?: string | number;
  /** Keep the source model up to this layer (see `replaceHead`). Default: all but the last layer. */
  cutAt?: string | number;
  /**
   * Which body layers train: `'all'` (default; minus `freezeUpTo`), `{ topK }` (only the top k
   * body layers up to `cutAt`), or `{ schedule }`: **gradual unfreezing** (Howard & Ruder 2018),
   * stages run in order, each unfreezing from its `from` layer up and freezing the layers below,
   * for its `epochs` (the total replaces `epochs`). The optimizer state restarts at each stage.
   */
  unfreeze?: 'all' | { topK: number } | { schedule: UnfreezeStage[] };
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
  const cut = resolveLayerIndex(model, options.cutAt ?? -2, 'options.cutAt');
  const stages = unfreezeStages(model, options, cut);
  if (options.freezeUpTo !== undefined) freezeLayers(model, { to: options.freezeUpTo });
  const net = replaceHead(model, options.numClasses, {
    hidden: options.hidden ?? [],
    dropout: options.dropout ?? 0,
    name: 'head',
    cutAt: cut,
  });
  const history: FitResult['history'] = [];
  let result: FitResult | undefined;
  let done = 0;
  let steps = 0;
  for (const stage of stages) {
    if (stage.from !== undefined) {
      if (stage.from > 0) freezeLayers(model, { from: 0, to: stage.from - 1 });
      if (stage.from <= cut) unfreezeLayers(model, { from: stage.from, to: cut });
    }
    const inner = (options.optimizer ?? ((lr: number) => adam({ learningRate: lr })))(headLr);
    const optimizer = multiplyLearningRates({ 'head_*/**': 1, '**': base }, inner);
    done += stage.epochs;
    // A fresh fit per stage: `epochs` counts within the stage; the shuffle seed moves on.
    result = await fit(net, data, {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
      optimizer,
      epochs: stage.epochs,
      batchSize: options.batchSize ?? 32,
      rng: (options.seed ?? 0) + done,
      progress: false,
      ...(options.validationData === undefined ? {} : { validationData: options.validationData }),
    });
    history.push(...result.history);
    steps += result.step;
  }
  // Each stage's fit counts its own epochs and steps: report the totals.
  return { model: net, result: { ...result!, history, epoch: done, step: steps } };
}

/** The stages to run: `from` is a layer index (undefined: leave freezing as it is). */
function unfreezeStages(
  model: LayersModel,
  options: FineTuneOptions,
  cut: number,
): { epochs: number; from?: number }[] {
  const u = options.unfreeze ?? 'all';
  const epochs = assertPositiveInt('options.epochs', options.epochs ?? 1);
  if (u === 'all') return [{ epochs }];
  if (typeof u === 'object' && u !== null && 'topK' in u) {
    const k = assertPositiveInt('options.unfreeze.topK', u.topK);
    return [{ epochs, from: Math.max(0, cut - k + 1) }];
  }
  if (typeof u === 'object' && u !== null && 'schedule' in u && Array.isArray(u.schedule)) {
    if (u.schedule.length === 0) {
      throw new ConfigError('an empty unfreezing schedule', {
        argument: 'options.unfreeze.schedule',
        expected: 'at least one { epochs, from } stage',
        received: u.schedule,
      });
    }
    return u.schedule.map((st, i) => ({
      epochs: assertPositiveInt(`options.unfreeze.schedule[${i}].epochs`, st?.epochs),
      from:
        st.from === 'none'
          ? cut + 1
          : resolveLayerIndex(model, st.from, `options.unfreeze.schedule[${i}].from`),
    }));
  }
  throw new ConfigError('unknown unfreeze option', {
    argument: 'options.unfreeze',
    expected: "'all', { topK } or { schedule: [{ epochs, from }] }",
    received: u,
  });
}

import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  type BatchEvent,
  type EpochBeginEvent,
  type EpochEndEvent,
  type Serialized,
} from '@trainkit/core';
import { AveragedWeights, type WeightAverage } from './weight-average';

export interface StochasticWeightAveragingOptions {
  /** First epoch (0-based) whose end-of-epoch weights enter the average. Default 0. */
  startEpoch?: number;
  /** Average every this many epochs from `startEpoch`. Default 1. */
  everyEpochs?: number;
  /**
   * Average every this many optimizer steps instead, from the first step of `startEpoch` (a
   * finer average, as with a cyclical learning rate of this period). Default: per epoch.
   */
  everySteps?: number;
}

/**
 * Stochastic weight averaging (Izmailov et al. 2018, Alg. 1) as a training listener: the equal
 * average `w_swa = (n w_swa + w) / (n + 1)` of the weights at the end of epochs `startEpoch`,
 * `startEpoch + everyEpochs`, ... (PyTorch `AveragedModel.update_parameters`). Pair it with
 * `swaSchedule` from @trainkit/optimizers (the constant or cyclical SWA learning rate) and, when
 * the model has batch normalization, re-estimate its statistics for the averaged weights
 * (`recomputeStatistics` from @trainkit/batchnorm, as PyTorch's `update_bn`).
 *
 * @example
 * const swa = stochasticWeightAveraging({ startEpoch: 4 });
 * await fit(model, data, { ...options, epochs: 6, listeners: [swa], optimizer: sgd({ learningRate:
 *   swaSchedule({ schedule: 0.05, start: 4 * stepsPerEpoch, swaLearningRate: 0.01, annealSteps: stepsPerEpoch }) }) });
 * swa.applyTo(); // keep the averaged weights
 * await recomputeStatistics(model, trainImages); // if the model has batch normalization
 */
export function stochasticWeightAveraging(
  options: StochasticWeightAveragingOptions = {},
): WeightAverage {
  return new StochasticWeightAveraging(options);
}

class StochasticWeightAveraging extends AveragedWeights {
  private readonly startEpoch: number;
  private readonly everyEpochs: number;
  private readonly everySteps: number | undefined;
  private firstStep: number | undefined;
  private lastStep = -1;

  constructor(options: StochasticWeightAveragingOptions) {
    super({
      initial: (p) => tf.clone(p),
      // Running mean: the (n + 1)-th vector enters with weight 1 / (n + 1).
      combine: (avg, p, n) => (n === 0 ? tf.clone(p) : tf.add(avg, tf.div(tf.sub(p, avg), n + 1))),
      read: (avg) => tf.clone(avg),
    });
    options ??= {};
    this.startEpoch = assertNumber('startEpoch', options.startEpoch ?? 0, {
      min: 0,
      integer: true,
    });
    this.everyEpochs = assertNumber('everyEpochs', options.everyEpochs ?? 1, {
      min: 1,
      integer: true,
    });
    this.everySteps =
      options.everySteps === undefined
        ? undefined
        : assertNumber('everySteps', options.everySteps, { min: 1, integer: true });
    if (this.everySteps !== undefined) {
      // Only per-step averaging needs the batch events (they make `fit` lend gradients).
      const everySteps = this.everySteps;
      this.onEpochBegin = (e: EpochBeginEvent) => {
        if (e.epoch === this.startEpoch && this.firstStep === undefined) this.firstStep = e.step;
      };
      this.onBatchEnd = (e: BatchEvent) => {
        if (e.grads !== undefined && e.updates === undefined) return; // accumulation micro-batch
        if (e.step === this.lastStep || e.epoch < this.startEpoch) return;
        this.lastStep = e.step;
        this.firstStep ??= e.step;
        // e.step is the update just applied; count the weights after it
        if ((e.step + 1 - this.firstStep) % everySteps === 0) this.update(e.params);
      };
    }
  }

  onEpochBegin?: (e: EpochBeginEvent) => void;
  onBatchEnd?: (e: BatchEvent) => void;

  onEpochEnd(e: EpochEndEvent): void {
    if (this.everySteps !== undefined) return;
    if (e.epoch < this.startEpoch || (e.epoch - this.startEpoch) % this.everyEpochs !== 0) return;
    if (this.params) this.update(this.params);
  }

  toJSON(): Serialized {
    return {
      kind: 'train.stochasticWeightAveraging',
      version: 1,
      startEpoch: this.startEpoch,
      everyEpochs: this.everyEpochs,
      ...(this.everySteps === undefined ? {} : { everySteps: this.everySteps }),
    };
  }
}

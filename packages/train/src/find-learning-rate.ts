import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertPositiveInt,
  ConfigError,
  type GradientTransformation,
  type HyperParam,
  isTrainkitError,
  type Penalty,
  type Rng,
  type TrainingListener,
  ValueRangeError,
} from '@trainkit/core';
import { exponentialDecay, sgd } from '@trainkit/optimizers';
import { isTensorData, stepsFor, type TrainData } from './batches';
import { fit, type TrainableModel } from './fit';
import type { Loss } from './losses/loss';

export interface FindLearningRateOptions {
  loss: Loss;
  /**
   * The optimizer whose learning rate is swept, as a function of that rate (a schedule).
   * Default `(lr) => sgd({ learningRate: lr, momentum: 0.9 })`.
   */
  optimizer?: (learningRate: HyperParam) => GradientTransformation;
  /** First rate of the sweep (> 0). Default 1e-7. */
  minLearningRate?: number;
  /** Last rate of the sweep (> minLearningRate). Default 10. */
  maxLearningRate?: number;
  /** Steps (batches) of the sweep, rates evenly spaced in log space (>= 3). Default 100. */
  steps?: number;
  /** Default 32. */
  batchSize?: number;
  /** Factor `beta` of the bias-corrected exponential moving average of the loss, in [0, 1). Default 0.95 (a time constant of ~20 steps). */
  smoothing?: number;
  /** Stop once the smoothed loss exceeds this many times its minimum (> 1). Default 4. */
  divergenceThreshold?: number;
  penalties?: Penalty[];
  /** Seed or Rng of the batch order. Default 0. */
  rng?: number | Rng;
}

export interface LearningRateFinderResult {
  /** The rate of each step taken. */
  learningRates: number[];
  /** The batch loss of each step (computed before that step's update). */
  losses: number[];
  /** The bias-corrected moving average of `losses`. */
  smoothedLosses: number[];
  /**
   * A tenth of the rate at the minimum of the smoothed loss (fastai's `lr_min` rule): a rate
   * safely below where training starts to blow up, for a constant-rate run.
   */
  suggestedLearningRate: number;
  /** The rate at the minimum of the smoothed loss. */
  minimumLossLearningRate: number;
  /**
   * Where the smoothed loss falls fastest (most negative slope against log10 of the rate) before
   * its minimum (fastai's `steep`): often a good maximal rate for a one-cycle or warm-up schedule.
   * The moving average lags the raw loss, which moves this point towards higher rates.
   */
  steepestLearningRate: number;
  /** 'diverged' (the loss blew up: the sweep stopped early) or 'completed'. */
  stopReason: 'diverged' | 'completed';
}

interface WeightLike {
  read(): tf.Tensor;
}

/**
 * The learning-rate range test (Smith 2017, "Cyclical Learning Rates", Sec. 3.3; as fastai's
 * `lr_find`): trains `model` for `steps` batches while the rate grows exponentially from
 * `minLearningRate` to `maxLearningRate`, records the loss, smooths it, and stops when it
 * diverges; suggests a tenth of the rate at the smoothed minimum. Every weight of the model (batch-norm statistics included) is restored afterwards,
 * so the model is as it was. Leaks no tensor.
 *
 * @example
 * const r = await findLearningRate(model, { x, y }, { loss: softmaxCrossEntropy(), steps: 100 });
 * console.log(r.suggestedLearningRate); // then fit(model, data, { optimizer: sgd({ learningRate: r.suggestedLearningRate }) })
 */
export async function findLearningRate(
  model: TrainableModel & { weights?: WeightLike[] },
  data: TrainData,
  options: FindLearningRateOptions,
): Promise<LearningRateFinderResult> {
  const minLr = assertNumber('minLearningRate', options?.minLearningRate ?? 1e-7, {
    min: 0,
    exclusiveMin: true,
  });
  const maxLr = assertNumber('maxLearningRate', options.maxLearningRate ?? 10);
  if (!(maxLr > minLr)) {
    throw new ValueRangeError('maxLearningRate must exceed minLearningRate', {
      argument: 'maxLearningRate',
      expected: `> ${minLr}`,
      received: maxLr,
    });
  }
  const steps = assertNumber('steps', options.steps ?? 100, { min: 3, integer: true });
  const batchSize = assertPositiveInt('batchSize', options.batchSize ?? 32);
  const beta = assertNumber('smoothing', options.smoothing ?? 0.95, { min: 0, max: 1 });
  if (beta === 1)
    throw new ValueRangeError('smoothing must be below 1', {
      argument: 'smoothing',
      expected: 'a number in [0, 1)',
      received: beta,
    });
  const threshold = assertNumber('divergenceThreshold', options.divergenceThreshold ?? 4, {
    min: 1,
    exclusiveMin: true,
  });
  const makeOptimizer = options.optimizer ?? ((lr) => sgd({ learningRate: lr, momentum: 0.9 }));
  if (typeof makeOptimizer !== 'function') {
    throw new ConfigError('optimizer must be a function of the learning rate', {
      argument: 'optimizer',
      expected: '(learningRate) => GradientTransformation, e.g. (lr) => adam({ learningRate: lr })',
      received: makeOptimizer,
    });
  }
  // lr(step) = minLr * (maxLr / minLr)^(step / (steps - 1)).
  const schedule = exponentialDecay({
    initialValue: minLr,
    decayRate: maxLr / minLr,
    decaySteps: steps - 1,
  });
  const optimizer = makeOptimizer(schedule);

  const learningRates: number[] = [];
  const losses: number[] = [];
  const smoothedLosses: number[] = [];
  let avg = 0;
  let best = Number.POSITIVE_INFINITY;
  let diverged = false;
  const recorder: TrainingListener = {
    async onBatchEnd(e) {
      const [loss] = await e.loss.data(); // one value per step: the sweep is short
      const i = losses.length;
      learningRates.push(schedule(e.step));
      losses.push(loss as number);
      avg = beta * avg + (1 - beta) * (loss as number);
      const smoothed = avg / (1 - beta ** (i + 1));
      smoothedLosses.push(smoothed);
      if (Number.isFinite(smoothed)) best = Math.min(best, smoothed);
      if (!Number.isFinite(smoothed) || (i > 0 && smoothed > threshold * best)) {
        diverged = true;
        e.stopTraining('diverged');
      } else if (i + 1 >= steps) e.stopTraining('completed');
    },
  };

  // Every weight, the non-trainable ones (batch-norm moving statistics) included.
  const weights: WeightLike[] = model?.weights ?? model?.trainableWeights ?? [];
  const saved = weights.map((w) => tf.clone(w.read()));
  const epochs = isTensorData(data)
    ? Math.ceil(steps / stepsFor(data.x.shape[0] as number, batchSize))
    : steps;
  try {
    await fit(model, data, {
      loss: options.loss,
      optimizer,
      epochs,
      batchSize,
      rng: options.rng ?? 0,
      penalties: options.penalties ?? [],
      listeners: [recorder],
      progress: false,
    });
  } catch (e) {
    // A non-finite loss is the sweep's natural end; anything else is the caller's problem.
    if (!(isTrainkitError(e) && (e as { code?: string }).code === 'NAN')) throw e;
    diverged = true;
  } finally {
    weights.forEach((w, i) => {
      (w.read() as tf.Variable).assign(saved[i] as tf.Tensor);
    });
    tf.dispose(saved);
  }
  if (losses.length < 3) {
    throw new ValueRangeError('the loss diverged within the first steps of the sweep', {
      argument: 'minLearningRate',
      expected: 'a smaller starting rate (at least 3 steps before divergence)',
      received: minLr,
    });
  }
  const { steepest, minimum } = suggest(learningRates, smoothedLosses);
  return {
    learningRates,
    losses,
    smoothedLosses,
    suggestedLearningRate: minimum / 10,
    minimumLossLearningRate: minimum,
    steepestLearningRate: steepest,
    stopReason: diverged ? 'diverged' : 'completed',
  };
}

/** The steepest descent of the smoothed curve before its minimum (the minimum when it never falls), and the minimum's rate. */
function suggest(lrs: number[], smoothed: number[]): { steepest: number; minimum: number } {
  let iMin = 0;
  smoothed.forEach((s, i) => {
    if (Number.isFinite(s) && s < (smoothed[iMin] as number)) iMin = i;
  });
  let iBest = -1;
  let slopeBest = 0;
  // Central differences in log10(lr); the end points get one-sided ones.
  for (let i = 0; i <= iMin; i++) {
    const a = Math.max(0, i - 1);
    const b = Math.min(smoothed.length - 1, i + 1);
    if (a === b) continue;
    const slope =
      ((smoothed[b] as number) - (smoothed[a] as number)) /
      (Math.log10(lrs[b] as number) - Math.log10(lrs[a] as number));
    if (Number.isFinite(slope) && slope < slopeBest) {
      slopeBest = slope;
      iBest = i;
    }
  }
  const minimum = lrs[iMin] as number;
  return { steepest: iBest < 0 ? minimum : (lrs[iBest] as number), minimum };
}

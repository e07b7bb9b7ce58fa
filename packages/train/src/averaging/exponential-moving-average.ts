import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  type BatchEvent,
  ConfigError,
  type HyperParam,
  resolveHyper,
  type Schedule,
  type Serialized,
} from '@trainkit/core';
import { AveragedWeights, type WeightAverage } from './weight-average';

export interface ExponentialMovingAverageOptions {
  /**
   * Decay `beta` in [0, 1), or a schedule of the update count `t` (0 on the first update), e.g.
   * TensorFlow's warm-up `(t) => Math.min(0.999, (1 + t) / (10 + t))`. Default 0.999.
   */
  decay?: HyperParam;
  /**
   * `false` (default): the first averaged weights are copied, then
   * `avg = beta avg + (1 - beta) w` (PyTorch `AveragedModel` with an EMA `avg_fn`, timm's
   * ModelEMA). `true`: the average starts at zero and is read divided by `1 - prod(beta)` (optax
   * `ema(debias=True)`, Adam's bias correction): a normalised weighting of the weights seen.
   */
  debias?: boolean;
  /** First optimizer step (0-based) averaged. Default 0. */
  startStep?: number;
  /** Average every this many optimizer steps from `startStep`. Default 1. */
  everySteps?: number;
}

/**
 * An exponential moving average of the trainable weights (Polyak averaging with a forgetting
 * factor; timm `ModelEmaV2`, Keras `use_ema`), as a training listener: after each optimizer step
 * `avg = beta avg + (1 - beta) w`. Evaluate or keep the averaged weights with `withAveraged` /
 * `applyTo`. Batch-norm moving statistics are not trainable weights: they stay the model's (or
 * re-estimate them for the averaged weights with `recomputeStatistics` from @trainkit/batchnorm).
 * Polyak & Juditsky 1992; Tarvainen & Valpola 2017 (EMA of weights as a better model).
 *
 * @example
 * const avg = exponentialMovingAverage({ decay: 0.998 });
 * await fit(model, data, { ...options, listeners: [avg] });
 * const logs = await avg.withAveraged(() => evaluate(model, test, { loss, metrics: [accuracy()] }));
 */
export function exponentialMovingAverage(
  options: ExponentialMovingAverageOptions = {},
): WeightAverage {
  return new ExponentialMovingAverage(options);
}

class ExponentialMovingAverage extends AveragedWeights {
  private readonly decay: HyperParam;
  private readonly debias: boolean;
  private readonly startStep: number;
  private readonly everySteps: number;
  private lastStep = -1;

  constructor(options: ExponentialMovingAverageOptions = {}) {
    options ??= {};
    const decay = checkDecay(options.decay ?? 0.999);
    const debias = options.debias ?? false;
    if (typeof debias !== 'boolean') {
      throw new ConfigError('must be a boolean', { argument: 'debias', received: debias });
    }
    const beta = (n: number) => assertNumber(`decay(${n})`, resolveHyper(decay, n), BETA);
    // prod(beta) over the updates so far: the weight the zero start still holds.
    let zeroWeight = 1;
    super({
      initial: (p) => (debias ? tf.zerosLike(p) : tf.clone(p)),
      combine: (avg, p, n) => {
        if (n === 0 && !debias) return tf.clone(p);
        const b = beta(n);
        return tf.add(tf.mul(avg, b), tf.mul(p, 1 - b));
      },
      afterUpdate: (n) => {
        if (debias) zeroWeight *= beta(n);
      },
      read: (avg) => (debias ? tf.div(avg, 1 - zeroWeight) : tf.clone(avg)),
    });
    this.decay = decay;
    this.debias = debias;
    this.startStep = assertNumber('startStep', options.startStep ?? 0, { min: 0, integer: true });
    this.everySteps = assertNumber('everySteps', options.everySteps ?? 1, {
      min: 1,
      integer: true,
    });
  }

  onBatchEnd(e: BatchEvent): void {
    // A micro-batch of gradient accumulation lends gradients but applies no update: skip it.
    if (e.grads !== undefined && e.updates === undefined) return;
    if (e.step === this.lastStep) return;
    this.lastStep = e.step;
    if (e.step < this.startStep || (e.step - this.startStep) % this.everySteps !== 0) return;
    this.update(e.params);
  }

  toJSON(): Serialized {
    const decay = this.decay;
    if (typeof decay === 'function' && typeof decay.toJSON !== 'function') {
      throw new ConfigError('a decay schedule without toJSON() cannot be serialized', {
        argument: 'decay',
        expected: 'a number or a trainkit schedule',
        received: decay,
      });
    }
    return {
      kind: 'train.exponentialMovingAverage',
      version: 1,
      decay:
        typeof decay === 'number' ? decay : (decay as Schedule & { toJSON(): Serialized }).toJSON(),
      debias: this.debias,
      startStep: this.startStep,
      everySteps: this.everySteps,
    };
  }
}

const BETA = { min: 0, max: 1, exclusiveMax: true } as const;

function checkDecay(d: unknown): HyperParam {
  if (typeof d === 'function') {
    assertNumber('decay(0)', (d as Schedule)(0), BETA);
    return d as Schedule;
  }
  return assertNumber('decay', d, BETA);
}

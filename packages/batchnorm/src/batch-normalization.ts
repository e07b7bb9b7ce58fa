import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertNumber, assertOneOf, ConfigError, ShapeError } from '@trainkit/core';

/** How the moving variance averages the batch variance. */
export type VarianceCorrection = 'biased' | 'unbiased';

/** Options of {@link BatchNormalization} (the layer args of tfjs-layers, plus these). */
export interface BatchNormalizationArgs {
  /** Channel axis (negative counts from the end). Default -1 (NHWC, dense [N, C]). */
  axis?: number;
  /**
   * a in mu <- a mu + (1 - a) mu_batch. Default 0.99 (Keras). PyTorch's `momentum` is 1 - a
   * (its default 0.1 is a = 0.9).
   */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-3 (Keras; PyTorch uses 1e-5). */
  epsilon?: number;
  /** Learn an offset beta. Default true. */
  center?: boolean;
  /** Learn a scale gamma. Default true. */
  scale?: boolean;
  /**
   * Variance fed to the moving average: `'biased'` (divide by m, Keras/tfjs, default) or
   * `'unbiased'` (divide by m - 1, PyTorch's running_var). Normalization in training always
   * uses the biased batch variance (as both libraries do).
   */
  varianceCorrection?: VarianceCorrection;
  name?: string;
  trainable?: boolean;
  inputShape?: number[];
  batchInputShape?: number[];
}

/**
 * Batch normalization (Ioffe & Szegedy 2015, Alg. 1) as a tfjs-layers layer, for dense
 * `[N, C]` and conv NHWC inputs (statistics over every axis but `axis`).
 *
 * - training (`fit`, `apply(x, { training: true })`): normalize with the batch mean and biased
 *   variance; update mu <- a mu + (1 - a) mu_B and the same for the variance.
 * - inference: normalize with the moving statistics.
 * - **frozen** (`layer.trainable = false`): moving statistics in training too, and no updates
 *   — what Keras does since 2.1.3, so fine-tuning does not wreck a pretrained network's
 *   statistics with small, different batches.
 *
 * Register the class once with {@link registerBatchNormalization} before saving/loading models.
 *
 * @example
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ inputShape: [20], units: 64, useBias: false }),
 *   batchNormalization({ momentum: 0.9 }),
 *   tf.layers.activation({ activation: 'relu' }),
 * ] });
 */
export class BatchNormalization extends tfl.layers.Layer {
  static className = 'TrainkitBatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly varianceCorrection: VarianceCorrection;
  gamma: tfl.LayerVariable | null = null;
  beta: tfl.LayerVariable | null = null;
  movingMean!: tfl.LayerVariable;
  movingVariance!: tfl.LayerVariable;
  /**
   * When a number, the layer is re-estimating its statistics (see `recomputeStatistics`): it
   * normalizes by the batch and folds batch k+1 in with weight 1 / (k + 1), whatever the
   * training flag. Not serialized.
   */
  cumulativeCount: number | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.axis = assertNumber('axis', args.axis ?? -1, { integer: true });
    this.momentum = assertNumber('momentum', args.momentum ?? 0.99, {
      min: 0,
      max: 1,
      exclusiveMax: true,
    });
    this.epsilon = assertNumber('epsilon', args.epsilon ?? 1e-3, { min: 0, exclusiveMin: true });
    for (const flag of ['center', 'scale'] as const) {
      if (args[flag] !== undefined && typeof args[flag] !== 'boolean') {
        throw new ConfigError('must be a boolean', {
          argument: flag,
          expected: 'true or false',
          received: args[flag],
        });
      }
    }
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.varianceCorrection = assertOneOf(
      'varianceCorrection',
      args.varianceCorrection ?? 'biased',
      ['biased', 'unbiased'],
    );
  }

  /** The channel axis as a non-negative index for inputs of `rank`. */
  channelAxis(rank: number): number {
    const a = this.axis < 0 ? rank + this.axis : this.axis;
    if (a < 1 || a >= rank) {
      throw new ShapeError('axis is not a channel axis of the input', {
        argument: 'axis',
        expected: `an axis in [1, ${rank - 1}] or [-${rank - 1}, -1] for rank-${rank} inputs`,
        received: this.axis,
      });
    }
    return a;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const axis = this.channelAxis(shape.length);
    const c = shape[axis];
    if (c == null) {
      throw new ShapeError('channel dimension must be known', {
        argument: 'inputShape',
        expected: `a size at axis ${axis}`,
        received: shape,
      });
    }
    const ones = tfl.initializers.ones();
    const zeros = tfl.initializers.zeros();
    if (this.scale) this.gamma = this.addWeight('gamma', [c], 'float32', ones, undefined, true);
    if (this.center) this.beta = this.addWeight('beta', [c], 'float32', zeros, undefined, true);
    this.movingMean = this.addWeight('moving_mean', [c], 'float32', zeros, undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [c], 'float32', ones, undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const axis = this.channelAxis(x.rank);
      const reduce = [...Array(x.rank).keys()].filter((i) => i !== axis);
      const bshape = x.shape.map((d, i) => (i === axis ? d : 1));
      const cumulative = this.cumulativeCount !== null;
      const useBatch = cumulative || ((kwargs?.training ?? false) && this.trainable);
      let mu: tf.Tensor;
      let sigma2: tf.Tensor;
      if (useBatch) {
        const m = tf.moments(x, reduce);
        mu = m.mean;
        sigma2 = m.variance; // biased: divides by the m elements of each channel
        const count = reduce.reduce((n, i) => n * x.shape[i]!, 1);
        const update = (v: tfl.LayerVariable, batch: tf.Tensor) => {
          // Keras: v <- a v + (1 - a) batch; cumulative: v <- v + (batch - v) / (k + 1).
          const w = cumulative ? 1 / (this.cumulativeCount! + 1) : 1 - this.momentum;
          v.write(tf.add(tf.mul(v.read(), 1 - w), tf.mul(batch, w)));
        };
        update(this.movingMean, mu);
        const unbiased = this.varianceCorrection === 'unbiased' && count > 1;
        update(this.movingVariance, unbiased ? tf.mul(sigma2, count / (count - 1)) : sigma2);
        if (cumulative) this.cumulativeCount! += 1;
      } else {
        mu = this.movingMean.read();
        sigma2 = this.movingVariance.read();
      }
      // y = gamma (x - mu) / sqrt(sigma^2 + eps) + beta  (Ioffe & Szegedy 2015, Alg. 1)
      let y = tf.mul(
        tf.sub(x, tf.reshape(mu, bshape)),
        tf.reshape(tf.rsqrt(tf.add(sigma2, this.epsilon)), bshape),
      );
      if (this.gamma) y = tf.mul(y, tf.reshape(this.gamma.read(), bshape));
      if (this.beta) y = tf.add(y, tf.reshape(this.beta.read(), bshape));
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      varianceCorrection: this.varianceCorrection,
    };
  }

  override getClassName(): string {
    return BatchNormalization.className;
  }
}

/**
 * A {@link BatchNormalization} layer.
 * @example tf.layers.conv2d({ ... }), batchNormalization({ axis: -1 }), tf.layers.reLU()
 */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}

/**
 * Registers {@link BatchNormalization} with tfjs serialization (`model.save`, `loadLayersModel`,
 * `modelFromJSON`). Explicit, not on import; idempotent.
 * @example
 * registerBatchNormalization();
 * const again = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) });
 */
export function registerBatchNormalization(): void {
  tf.serialization.registerClass(BatchNormalization);
}

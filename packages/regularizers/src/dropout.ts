import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertRank, ConfigError, Rng } from '@trainkit/core';

export interface DropoutOptions {
  /** Drop probability `p` in [0, 1): each unit is zeroed with probability `p`. */
  rate: number;
  /**
   * Where the mask's seed comes from. An `Rng` advances by one draw per call (a new mask each
   * step, reproducible from its seed); a number gives the same mask on every call.
   */
  rng: number | Rng;
  /** Shape of the mask, broadcast against `x` (1 where units share a draw). Default `x.shape`. */
  noiseShape?: number[];
  /** `false` returns a copy of `x` unchanged (inference). Default `true`. */
  training?: boolean;
}

/** Checks `rate` in [0, 1); the error names it. */
export function checkRate(rate: unknown): number {
  return assertNumber('rate', rate, { min: 0, max: 1, exclusiveMax: true });
}

/** The numeric seed for the next mask. */
export function maskSeed(rng: unknown): number {
  if (rng instanceof Rng) return rng.seed();
  if (typeof rng === 'number') return assertNumber('rng', rng, { min: 0, integer: true });
  throw new ConfigError('must be a seed or an Rng', {
    argument: 'rng',
    expected: 'a non-negative integer or an Rng',
    received: rng,
  });
}

/**
 * Inverted dropout (Srivastava et al. 2014, with the train-time scaling of their §10 / Keras):
 * `y = x * m / (1 - p)`, `m ~ Bernoulli(1 - p)`, so `E[y] = x` and inference is the identity.
 * Returns a new tensor the caller owns.
 * @example
 * const rng = new Rng(0);
 * const h = dropout(x, { rate: 0.5, rng }); // next call with the same rng draws a new mask
 */
export function dropout(x: tf.Tensor, options: DropoutOptions): tf.Tensor {
  const p = checkRate(options?.rate);
  const training = options.training ?? true;
  const noiseShape = options.noiseShape ?? x.shape;
  if (noiseShape.length !== x.rank || !noiseShape.every((d, i) => d === x.shape[i] || d === 1)) {
    throw new ConfigError('noiseShape must broadcast against x', {
      argument: 'noiseShape',
      expected: `rank ${x.rank}, each dim 1 or equal to x's [${x.shape.join(', ')}]`,
      received: noiseShape,
    });
  }
  const seed = maskSeed(options.rng);
  if (!training || p === 0) return tf.clone(x);
  return tf.tidy(() => {
    const keep = tf.cast(
      tf.greaterEqual(tf.randomUniform(noiseShape, 0, 1, 'float32', seed), p),
      x.dtype,
    );
    return tf.div(tf.mul(x, keep), 1 - p);
  });
}

/**
 * Spatial dropout (Tompson et al. 2015, "Efficient object localization using convolutional
 * networks"): drops whole feature maps of an NHWC batch, one draw per (example, channel), since
 * neighbouring pixels are correlated and per-pixel dropout barely regularizes conv layers.
 * @example const h = spatialDropout(convOut, { rate: 0.2, rng });
 */
export function spatialDropout(
  x: tf.Tensor,
  options: Omit<DropoutOptions, 'noiseShape'>,
): tf.Tensor {
  assertRank('x', x.shape, [3, 4, 5]);
  const shape = x.shape.map((d, i) => (i === 0 || i === x.rank - 1 ? d : 1));
  return dropout(x, { ...options, noiseShape: shape });
}

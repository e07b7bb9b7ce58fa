import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertRank, ConfigError, Rng } from '@trainkit/core';

/**
 * How much dropout: exactly one of `rate` (Keras/PyTorch: the probability of *dropping* a unit)
 * or `keepProb` (Srivastava et al. 2014 and CS231n call the probability of *keeping* a unit `p`;
 * `keepProb = 1 - rate`).
 */
export type DropAmount =
  | {
      /** Drop probability in [0, 1): each unit is zeroed with this probability (Keras, PyTorch). */
      rate: number;
      keepProb?: undefined;
    }
  | {
      /** Keep probability in (0, 1]: the lecture's / paper's `p` (0.5 drops half the units). */
      keepProb: number;
      rate?: undefined;
    };

export type DropoutOptions = DropAmount & {
  /**
   * Where the mask's seed comes from. An `Rng` advances by one draw per call (a new mask each
   * step, reproducible from its seed); a number gives the same mask on every call.
   */
  rng: number | Rng;
  /** Shape of the mask, broadcast against `x` (1 where units share a draw). Default `x.shape`. */
  noiseShape?: number[];
  /** `false` returns a copy of `x` unchanged (inference). Default `true`. */
  training?: boolean;
};

/** Checks `rate` in [0, 1); the error names it. */
export function checkRate(rate: unknown): number {
  return assertNumber('rate', rate, { min: 0, max: 1, exclusiveMax: true });
}

/**
 * The drop and keep probabilities `{ rate, keepProb }` (summing to 1) from exactly one of them; a
 * `ConfigError` when both or neither are given, a `ValueRangeError` naming the one out of range.
 */
export function dropProbabilities(amount: { rate?: unknown; keepProb?: unknown }): {
  rate: number;
  keepProb: number;
} {
  const hasRate = amount?.rate !== undefined;
  const hasKeep = amount?.keepProb !== undefined;
  if (hasRate && hasKeep) {
    throw new ConfigError('give rate or keepProb, not both', {
      argument: 'keepProb',
      expected: 'either rate (drop probability) or keepProb = 1 - rate (keep probability)',
      received: { rate: amount.rate, keepProb: amount.keepProb },
    });
  }
  if (hasKeep) {
    const keepProb = assertNumber('keepProb', amount.keepProb, {
      min: 0,
      exclusiveMin: true,
      max: 1,
    });
    return { rate: 1 - keepProb, keepProb };
  }
  if (!hasRate) {
    throw new ConfigError('dropout needs rate or keepProb', {
      argument: 'rate',
      expected: 'rate in [0, 1) (drop probability) or keepProb in (0, 1] (keep probability)',
      received: amount,
    });
  }
  const rate = checkRate(amount.rate);
  return { rate, keepProb: 1 - rate };
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
 * `y = x * m / q`, `m ~ Bernoulli(q)` with keep probability `q = 1 - rate = keepProb`, so
 * `E[y] = x` and inference is the identity. `rate` is the probability of dropping a unit (Keras,
 * PyTorch); the paper's and CS231n's `p` is the probability of keeping one: pass it as `keepProb`.
 * Returns a new tensor the caller owns.
 * @example
 * const rng = new Rng(0);
 * const h = dropout(x, { rate: 0.5, rng }); // next call with the same rng draws a new mask
 * const g = dropout(x, { keepProb: 0.8, rng }); // the lecture's p = 0.8: drops 20% of units
 */
export function dropout(x: tf.Tensor, options: DropoutOptions): tf.Tensor {
  const { rate: p, keepProb: q } = dropProbabilities(options);
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
    // u ~ U[0, 1): keep where u >= p (probability q = 1 - p), then scale by 1 / q.
    const keep = tf.cast(
      tf.greaterEqual(tf.randomUniform(noiseShape, 0, 1, 'float32', seed), p),
      x.dtype,
    );
    return tf.div(tf.mul(x, keep), q);
  });
}

/**
 * Spatial dropout (Tompson et al. 2015, "Efficient object localization using convolutional
 * networks"): drops whole feature maps of an NHWC batch, one draw per (example, channel), since
 * neighbouring pixels are correlated and per-pixel dropout barely regularizes conv layers.
 * Takes `rate` or `keepProb` as {@link dropout}.
 * @example const h = spatialDropout(convOut, { rate: 0.2, rng });
 */
export function spatialDropout(
  x: tf.Tensor,
  options: Omit<DropoutOptions, 'noiseShape'>,
): tf.Tensor {
  assertRank('x', x.shape, [3, 4, 5]);
  const shape = x.shape.map((d, i) => (i === 0 || i === x.rank - 1 ? d : 1));
  return dropout(x, { ...options, noiseShape: shape } as DropoutOptions);
}

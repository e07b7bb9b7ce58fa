import type { Initializer, RandomOptions } from './initializer';
import { type Distribution, varianceScaling } from './variance-scaling';

/** Options of the named normal presets: pick `'normal'` for PyTorch's untruncated form. */
export interface NormalPresetOptions extends RandomOptions {
  /** Default `'truncatedNormal'` (Keras); `'normal'` matches PyTorch's `*_normal_`. */
  distribution?: Exclude<Distribution, 'uniform'>;
}

/**
 * Glorot / Xavier normal: Var(w) = 2 / (fanIn + fanOut) (Glorot & Bengio 2010, eq. 12), as
 * Keras' `glorot_normal` and PyTorch's `xavier_normal_`. Not the CS231n lecture's "Xavier"
 * (`randn(fanIn, fanOut) / sqrt(fanIn)`, Var = 1 / fanIn): that one is {@link lecunNormal}; the
 * two agree only when fanIn = fanOut.
 * @example glorotNormal({ rng: 1 })([256, 128])
 */
export function glorotNormal(options: NormalPresetOptions = {}): Initializer {
  return varianceScaling({
    ...options,
    scale: 1,
    mode: 'fanAvg',
    distribution: options.distribution ?? 'truncatedNormal',
  });
}

/**
 * Glorot / Xavier uniform: U(-sqrt(6 / (fanIn + fanOut)), +...) (Glorot & Bengio 2010, eq. 16).
 * @example glorotUniform({ rng: 1 })([256, 128])
 */
export function glorotUniform(options: RandomOptions = {}): Initializer {
  return varianceScaling({ ...options, scale: 1, mode: 'fanAvg', distribution: 'uniform' });
}

/**
 * He / Kaiming normal for ReLU: Var(w) = 2 / fanIn (He et al. 2015, eq. 10).
 * @example heNormal({ rng: 1 })([3, 3, 16, 32])
 */
export function heNormal(options: NormalPresetOptions = {}): Initializer {
  return varianceScaling({
    ...options,
    scale: 2,
    mode: 'fanIn',
    distribution: options.distribution ?? 'truncatedNormal',
  });
}

/**
 * He / Kaiming uniform: U(-sqrt(6 / fanIn), +sqrt(6 / fanIn)).
 * @example heUniform({ rng: 1 })([3, 3, 16, 32])
 */
export function heUniform(options: RandomOptions = {}): Initializer {
  return varianceScaling({ ...options, scale: 2, mode: 'fanIn', distribution: 'uniform' });
}

/**
 * LeCun normal: Var(w) = 1 / fanIn (LeCun et al. 1998, "Efficient BackProp"; SELU's init). This is
 * what the CS231n lecture calls "Xavier" (`W = randn(fanIn, fanOut) / sqrt(fanIn)`, "1/N" with
 * N = fanIn); use `distribution: 'normal'` for its untruncated Gaussian.
 * @example lecunNormal({ rng: 1 })([100, 100])
 */
export function lecunNormal(options: NormalPresetOptions = {}): Initializer {
  return varianceScaling({
    ...options,
    scale: 1,
    mode: 'fanIn',
    distribution: options.distribution ?? 'truncatedNormal',
  });
}

/**
 * LeCun uniform: U(-sqrt(3 / fanIn), +sqrt(3 / fanIn)).
 * @example lecunUniform({ rng: 1 })([100, 100])
 */
export function lecunUniform(options: RandomOptions = {}): Initializer {
  return varianceScaling({ ...options, scale: 1, mode: 'fanIn', distribution: 'uniform' });
}

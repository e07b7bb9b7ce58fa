import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, type Rng, type RngState, type Serialized, ShapeError } from '@trainkit/core';
import { type RngOption, takeRng } from './rng-option';

export interface MixupOptions {
  /** Beta(alpha, alpha) concentration, > 0. Default 0.2 (Zhang et al.'s ImageNet value). */
  alpha?: number;
  /** Seed or generator. Default seed 0. */
  rng?: RngOption | RngState;
}

/** Mixes a batch of inputs and (one-hot or soft) targets; returns new tensors. */
export interface Mixup {
  (x: tf.Tensor, y: tf.Tensor): { x: tf.Tensor; y: tf.Tensor; lambda: number };
  readonly kind: 'regularizers.mixup';
  toJSON(): Serialized;
}

// Marsaglia & Tsang (2000) gamma sampler; alpha < 1 through Gamma(a + 1) * U^(1/a).
function gamma(rng: Rng, a: number): number {
  if (a < 1) return gamma(rng, a + 1) * rng.next() ** (1 / a);
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      z = rng.normal();
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A Beta(a, b) draw: `G_a / (G_a + G_b)`. */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  return x / (x + y);
}

/**
 * mixup (Zhang et al. 2018, "mixup: Beyond empirical risk minimization"): with
 * `lambda ~ Beta(alpha, alpha)` drawn once per batch and a random permutation `pi`,
 * `x' = lambda x + (1 - lambda) x[pi]`, `y' = lambda y + (1 - lambda) y[pi]`.
 * Targets must be one-hot (or soft) float labels with the batch on axis 0.
 * @example
 * const mix = mixup({ alpha: 0.2, rng: 0 });
 * const { x: xm, y: ym } = mix(x, yOneHot);
 */
export function mixup(options: MixupOptions = {}): Mixup {
  const alpha = assertNumber('alpha', options.alpha ?? 0.2, { min: 0, exclusiveMin: true });
  const { rng, json } = takeRng(options.rng);
  const mix = (x: tf.Tensor, y: tf.Tensor) => {
    const n = x?.shape?.[0];
    if (n === undefined || y?.shape?.[0] !== n) {
      throw new ShapeError('x and y must have the same batch size on axis 0', {
        argument: 'y',
        expected: `a tensor with shape [${n ?? '?'}, ...]`,
        received: y,
      });
    }
    const lambda = sampleBeta(rng, alpha, alpha);
    const perm = rng.permutation(n);
    return tf.tidy(() => {
      const idx = tf.tensor1d(perm, 'int32');
      const blend = (t: tf.Tensor) =>
        tf.add(tf.mul(lambda, t), tf.mul(1 - lambda, tf.gather(t, idx)));
      return { x: blend(x), y: blend(y), lambda };
    });
  };
  return Object.assign(mix, {
    kind: 'regularizers.mixup' as const,
    toJSON: () => ({ kind: 'regularizers.mixup', version: 1, alpha, rng: json }),
  });
}

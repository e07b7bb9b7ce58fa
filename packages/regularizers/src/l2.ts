import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertOneOf } from '@trainkit/core';
import { appliesToJSON, checkAppliesTo, KERNELS } from './applies-to';
import { makePenalty, type WeightPenalty } from './penalty';

/**
 * The factor in front of the squared norm:
 * - `'half'`: `0.5 * lambda * ||w||^2`, gradient `lambda * w` (the lecture's / Goodfellow's form;
 *   equals SGD weight decay with coefficient `lambda * learningRate`);
 * - `'full'`: `lambda * ||w||^2`, gradient `2 * lambda * w` (Keras' and tfjs-layers' `l2`).
 */
export type L2Convention = 'half' | 'full';
export const L2_CONVENTIONS: readonly L2Convention[] = ['half', 'full'];

export interface L2Options {
  /** Strength, >= 0. */
  lambda: number;
  /** Required on purpose: the factor of 1/2 changes the effective strength twofold. */
  convention: L2Convention;
  /** Which weights (name pattern); default {@link KERNELS}: kernels, not biases or BN params. */
  appliesTo?: string | RegExp;
}

/** `c * lambda * ||w||^2` with `c = 0.5` (`'half'`) or `1` (`'full'`). */
export function l2Factor(convention: L2Convention): number {
  return convention === 'half' ? 0.5 : 1;
}

/**
 * L2 penalty (Tikhonov / ridge; "weight decay", Krogh & Hertz 1992):
 * `0.5 * lambda * sum w^2` (`convention: 'half'`) or `lambda * sum w^2` (`'full'`).
 * @example
 * const pen = l2({ lambda: 5e-4, convention: 'half' }); // gradient 5e-4 * w
 */
export function l2(options: L2Options): WeightPenalty {
  const lambda = assertNumber('lambda', options?.lambda, { min: 0 });
  const convention = assertOneOf('convention', options.convention, L2_CONVENTIONS);
  const appliesTo = checkAppliesTo(options.appliesTo ?? KERNELS);
  const c = l2Factor(convention) * lambda;
  return makePenalty(
    'regularizers.l2',
    appliesTo,
    (w) => tf.mul(c, tf.sum(tf.square(w))),
    () => ({
      kind: 'regularizers.l2',
      version: 1,
      lambda,
      convention,
      appliesTo: appliesToJSON(appliesTo),
    }),
  );
}

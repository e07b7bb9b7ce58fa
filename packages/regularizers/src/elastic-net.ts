import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertOneOf } from '@trainkit/core';
import { appliesToJSON, checkAppliesTo, KERNELS } from './applies-to';
import { L2_CONVENTIONS, type L2Convention, l2Factor } from './l2';
import { makePenalty, type WeightPenalty } from './penalty';

export interface ElasticNetOptions {
  /** L1 strength, >= 0. */
  l1: number;
  /** L2 strength, >= 0. */
  l2: number;
  /** The factor of the L2 term (see {@link L2Convention}); required. */
  convention: L2Convention;
  /** Which weights (name pattern); default {@link KERNELS}. */
  appliesTo?: string | RegExp;
}

/**
 * Elastic net (Zou & Hastie 2005): `l1 * sum |w| + c * l2 * sum w^2`, `c = 0.5` or `1` by
 * `convention`. Keras' `L1L2` is `convention: 'full'`.
 * @example
 * const pen = elasticNet({ l1: 1e-5, l2: 1e-4, convention: 'full' });
 */
export function elasticNet(options: ElasticNetOptions): WeightPenalty {
  const a = assertNumber('l1', options?.l1, { min: 0 });
  const b = assertNumber('l2', options.l2, { min: 0 });
  const convention = assertOneOf('convention', options.convention, L2_CONVENTIONS);
  const appliesTo = checkAppliesTo(options.appliesTo ?? KERNELS);
  const c = l2Factor(convention) * b;
  return makePenalty(
    'regularizers.elasticNet',
    appliesTo,
    (w) => tf.add(tf.mul(a, tf.sum(tf.abs(w))), tf.mul(c, tf.sum(tf.square(w)))),
    () => ({
      kind: 'regularizers.elasticNet',
      version: 1,
      l1: a,
      l2: b,
      convention,
      appliesTo: appliesToJSON(appliesTo),
    }),
  );
}

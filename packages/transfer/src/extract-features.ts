import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { assertOneOf, assertPositiveInt, ConfigError } from '@trainkit/core';
import { cutAt } from './cut-at';

export interface ExtractFeaturesOptions {
  /** Layer whose output is the code (name or index). Default: the layer before the last (`-2`). */
  layer?: string | number;
  /** Spatial pooling of rank-4 codes: `'avg'` / `'max'` over height and width, or `'none'` (flatten). Default `'none'`. */
  pool?: 'avg' | 'max' | 'none';
  /** Apply ReLU to the codes (the lecture's "CNN codes"). Default true. */
  relu?: boolean;
  /** Examples per forward pass. Default 64. */
  batchSize?: number;
}

/**
 * "CNN codes": the activations of `layer` for every example of `x`, computed in batches in
 * inference mode, ReLU'd, optionally pooled, flattened to `[N, D]` (Razavian et al. 2014;
 * Donahue et al. 2014, DeCAF). The caller owns the returned tensor. Node: `extractFeaturesCached`
 * in `@trainkit/transfer/node` keeps them on disk.
 *
 * @example const codes = extractFeatures(doodlenet, xTrain, { layer: 'dense' }); // [N, 512]
 */
export function extractFeatures(
  model: LayersModel,
  x: tf.Tensor,
  options: ExtractFeaturesOptions = {},
): tf.Tensor2D {
  if (!(x instanceof tf.Tensor) || x.rank < 2) {
    throw new ConfigError('inputs must be a batched tensor', {
      argument: 'x',
      expected: 'a tf.Tensor of rank >= 2 ([N, ...])',
      received: x,
    });
  }
  const pool = options.pool ?? 'none';
  assertOneOf('options.pool', pool, ['avg', 'max', 'none'] as const);
  const batchSize = assertPositiveInt('options.batchSize', options.batchSize ?? 64);
  const relu = options.relu ?? true;
  const body = cutAt(model, options.layer ?? -2);
  const n = x.shape[0];
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      parts.push(
        tf.tidy(() => {
          const size = Math.min(batchSize, n - start);
          const xb = tf.slice(x, start, size);
          let h = body.apply(xb, { training: false }) as tf.Tensor;
          if (relu) h = tf.relu(h);
          if (h.rank === 4 && pool === 'avg') h = tf.mean(h, [1, 2]);
          else if (h.rank === 4 && pool === 'max') h = tf.max(h, [1, 2]);
          return tf.reshape(h, [size, -1]) as tf.Tensor2D;
        }),
      );
    }
  } catch (e) {
    tf.dispose(parts);
    throw e;
  }
  if (parts.length === 1) return parts[0]!;
  const out = tf.concat(parts, 0);
  tf.dispose(parts);
  return out;
}

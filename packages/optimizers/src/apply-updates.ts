import * as tf from '@tensorflow/tfjs-core';
import type { TensorMap } from '@trainkit/core';

/**
 * `params[k] + updates[k]` for every key of `updates` (new tensors; the caller owns them).
 * Keys of `params` without an update are copied (`tf.clone`), so every returned tensor is new.
 * @example const next = applyUpdates(params, updates);
 */
export function applyUpdates(params: TensorMap, updates: TensorMap): TensorMap {
  const out: TensorMap = {};
  for (const [k, p] of Object.entries(params)) {
    const u = updates[k];
    out[k] = u ? tf.add(p, u) : tf.clone(p);
  }
  return out;
}

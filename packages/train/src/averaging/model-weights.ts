import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Params } from '@trainkit/core';

/** One weight that can be read and overwritten, whether a tfjs-layers `LayerVariable` or a `Variable`. */
export interface WeightHandle {
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
}

/** The part of a tfjs-layers model whose every weight (batch-norm statistics included) is snapshotted. */
export interface ModelWithWeights {
  readonly weights: {
    name: string;
    originalName?: string;
    read(): tf.Tensor;
    write(value: tf.Tensor): unknown;
  }[];
}

export function isModelWithWeights(x: unknown): x is ModelWithWeights {
  return typeof x === 'object' && x !== null && Array.isArray((x as ModelWithWeights).weights);
}

/**
 * Every weight of a model (trainable or not, keyed by original name as `modelParams` does) or
 * every entry of a params map, as read/write handles.
 */
export function weightHandles(
  source: ModelWithWeights | Params,
  argument: string,
): Record<string, WeightHandle> {
  const out: Record<string, WeightHandle> = {};
  if (isModelWithWeights(source)) {
    for (const w of source.weights) {
      const base = w.originalName ?? w.name;
      let key = base;
      for (let k = 2; key in out; k++) key = `${base}#${k}`;
      out[key] = { read: () => w.read(), write: (v) => void w.write(v) };
    }
    return out;
  }
  if (source === null || typeof source !== 'object') {
    throw new ConfigError('must be a tfjs-layers model or a params map', {
      argument,
      expected: 'a LayersModel or { [name]: tf.Variable }',
      received: source,
    });
  }
  for (const [k, v] of Object.entries(source)) {
    if (!v || typeof (v as tf.Variable).assign !== 'function') {
      throw new ConfigError(`weight "${k}" is not a tf.Variable`, {
        argument: `${argument}["${k}"]`,
        expected: 'a tf.Variable',
        received: v,
      });
    }
    out[k] = { read: () => v, write: (t) => v.assign(t) };
  }
  return out;
}

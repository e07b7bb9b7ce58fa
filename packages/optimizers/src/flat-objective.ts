import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, NaNError, type Params, type TensorMap } from '@trainkit/core';

/** A loss of the parameters, recomputed from scratch on each call (a torch-style closure). */
export type LossClosure = (params: TensorMap) => tf.Scalar;

/** A closure seen as a function of one flat float64 vector (second-order methods work on it). */
export interface FlatObjective {
  readonly size: number;
  /** The current parameter values, flattened in `params` order. */
  read(): Promise<Float64Array>;
  /** Assigns `x` (rounded to float32) to the parameter Variables. */
  write(x: Float64Array): void;
  /** Loss and gradient at `x` (the Variables are not touched). */
  valueAndGrad(x: Float64Array): Promise<{ loss: number; grad: Float64Array }>;
}

/** Splits a flat tensor into tensors shaped like `params` (same keys). */
export function unflatten(flat: tf.Tensor, params: Params): TensorMap {
  const out: TensorMap = {};
  let offset = 0;
  for (const [k, p] of Object.entries(params)) {
    out[k] = tf.reshape(tf.slice(flat, [offset], [p.size]), p.shape);
    offset += p.size;
  }
  return out;
}

/** Wraps `closure` over `params` as a {@link FlatObjective}. */
export function flatObjective(closure: LossClosure, params: Params): FlatObjective {
  if (typeof closure !== 'function') {
    throw new ConfigError('must be a function (params) => scalar loss', {
      argument: 'closure',
      received: closure,
    });
  }
  if (!params || Object.keys(params).length === 0) {
    throw new ConfigError('needs at least one parameter', {
      argument: 'params',
      expected: 'a non-empty map of tf.Variables',
      received: params,
    });
  }
  const size = Object.values(params).reduce((n, p) => n + p.size, 0);
  const lossAndGrad = tf.valueAndGrad((x: tf.Tensor) => closure(unflatten(x, params)));
  return {
    size,
    async read() {
      const flat = tf.tidy(() => tf.concat(Object.values(params).map((p) => tf.reshape(p, [-1]))));
      const data = await flat.data();
      flat.dispose();
      return Float64Array.from(data);
    },
    write(x) {
      tf.tidy(() => {
        const parts = unflatten(tf.tensor1d(Float32Array.from(x)), params);
        for (const [k, p] of Object.entries(params)) p.assign(parts[k] as tf.Tensor);
      });
    },
    async valueAndGrad(x) {
      const [value, grad] = tf.tidy(() => {
        const r = lossAndGrad(tf.tensor1d(Float32Array.from(x)));
        return [r.value, r.grad];
      });
      const [v, g] = await Promise.all([value.data(), grad.data()]);
      tf.dispose([value, grad]);
      const loss = v[0] as number;
      if (!Number.isFinite(loss)) {
        throw new NaNError('the loss is not finite', { argument: 'closure', received: loss });
      }
      return { loss, grad: Float64Array.from(g) };
    },
  };
}

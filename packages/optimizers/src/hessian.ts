import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Params, ValueRangeError } from '@trainkit/core';
import { type LossClosure, unflatten } from './flat-objective';

export interface HessianOptions {
  /** Refuse problems with more parameters than this (the Hessian has n^2 entries). Default 2000. */
  maxParams?: number;
}

/**
 * The exact Hessian of `closure` at `x` (flat, in `params` order) as a row-major float64
 * n x n matrix, from n Hessian-vector products `H e_i = grad_x (grad_x f(x) . e_i)` taken by
 * differentiating tfjs's own gradient (reverse-over-reverse; Pearlmutter 1994).
 * tfjs can differentiate twice through matMul, add/sub/mul/div, square, sqrt, log, softplus and
 * reductions; ops whose gradient reuses their output (exp, sigmoid, tanh, softmax) make tfjs throw
 * (reported as a ConfigError). Caution, measured on tfjs 4.22: `pow` with a variable exponent
 * (e.g. `pow(e, x)` to dodge `exp`) gives a *silently wrong* second derivative; write logistic
 * losses with `softplus` (tested against the closed form) and check new losses on a small case.
 * @example const H = await hessian((p) => loss(p), params, x);
 */
export async function hessian(
  closure: LossClosure,
  params: Params,
  x: Float64Array,
  options: HessianOptions = {},
): Promise<Float64Array> {
  const n = x.length;
  const maxParams = options.maxParams ?? 2000;
  if (n > maxParams) {
    throw new ValueRangeError('too many parameters for an exact Hessian', {
      argument: 'params',
      expected: `at most ${maxParams} parameters (use lbfgs for larger problems)`,
      received: n,
    });
  }
  const f = (w: tf.Tensor) => closure(unflatten(w, params));
  const grad = tf.grad(f);
  const H = new Float64Array(n * n);
  const xt = tf.tensor1d(Float32Array.from(x));
  try {
    for (let i = 0; i < n; i++) {
      const row = tf.tidy(() => {
        const e = tf.oneHot(tf.tensor1d([i], 'int32'), n);
        const ei = tf.reshape(tf.cast(e, 'float32'), [n]);
        return tf.grad((w: tf.Tensor) => tf.sum(tf.mul(grad(w), ei)))(xt);
      });
      H.set(await row.data(), i * n);
      row.dispose();
    }
  } catch (cause) {
    if (cause instanceof ValueRangeError) throw cause;
    throw new ConfigError('tfjs cannot differentiate this loss twice', {
      argument: 'closure',
      expected:
        'ops with second-order gradients (matMul, mul, div, square, sqrt, log, softplus, ...)',
      received: String((cause as Error)?.message ?? cause).slice(0, 120),
      cause,
    });
  } finally {
    xt.dispose();
  }
  // Symmetrise: the two triangles differ only by float32 rounding.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = ((H[i * n + j] as number) + (H[j * n + i] as number)) / 2;
      H[i * n + j] = s;
      H[j * n + i] = s;
    }
  }
  return H;
}

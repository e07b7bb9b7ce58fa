import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.where(ok, next, old)` for a scalar bool `ok`, without tfjs's broadcast of a bool condition:
 * `tf.where` tiles the condition to the value's shape, and a bool `Tile` has no fast kernel on
 * wasm (it ran the stock kernel: 30 of them per LeNet-5 step under Adam, more time than the
 * convolutions). The full-shape condition is built as `0 < okAsFloat` against zeros of the
 * value's shape (a fill and one broadcasting comparison). NaN-safe like `tf.where`: a non-finite
 * `next` never leaks through where `ok` is false. Runs inside the caller's `tf.tidy`.
 */
export function gate(ok: tf.Tensor, next: tf.Tensor, old: tf.Tensor): tf.Tensor {
  if (ok.rank !== 0 || next.rank === 0) return tf.where(ok, next, old);
  const cond = tf.less(tf.zeros(next.shape), tf.cast(ok, 'float32'));
  return tf.where(cond, next, old);
}

/**
 * `gate(ok, next, zeros)` for a scalar bool `ok`: `next` where `ok`, else zeros of its shape
 * (NaN-safe). One zero fill serves as both the comparison's operand and the fallback.
 */
export function gateOrZero(ok: tf.Tensor, next: tf.Tensor): tf.Tensor {
  if (ok.rank !== 0 || next.rank === 0) return tf.where(ok, next, tf.zerosLike(next));
  const zeros = tf.zeros(next.shape, next.dtype);
  const cond = tf.less(zeros, tf.cast(ok, next.dtype));
  return tf.where(cond, next, zeros);
}

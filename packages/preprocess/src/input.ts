import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, StateError } from '@trainkit/core';

/** Checks that `x` is a live tfjs tensor of a numeric dtype. */
export function assertTensor(name: string, x: unknown): tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new ConfigError('must be a tensor', {
      argument: name,
      expected: 'a tf.Tensor of shape [batch, ...features]',
      received: x,
    });
  }
  if (x.isDisposed) {
    throw new StateError('tensor is disposed', { argument: name, expected: 'a live tensor' });
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new ConfigError('must be numeric', {
      argument: name,
      expected: 'dtype float32 or int32',
      receivedText: x.dtype,
    });
  }
  return x;
}

/** Throws the StateError every transform raises when used before `fit`. */
export function notFitted(kind: string, method: string): never {
  throw new StateError(`${kind} is not fitted`, {
    argument: method,
    expected: 'fit(x) or partialFit(batch) called first',
    receivedText: 'an unfitted transform',
  });
}

import * as tf from '@tensorflow/tfjs-core';
import {
  assertDType,
  assertNumber,
  assertRank,
  ConfigError,
  ValueRangeError,
} from '@trainkit/core';

/**
 * One-hot encodes integer class labels: row `i` has a 1 in column `labels[i]`, zeros elsewhere.
 * Returns a float32 `[n, numClasses]` tensor the caller owns. Labels given as an array are
 * checked (integers in `[0, numClasses)`); an int32 tensor is encoded on the backend unchecked
 * (values outside the range give an all-zero row, as `tf.oneHot` does).
 *
 * @example
 * oneHot([2, 0], 3) // [[0, 0, 1], [1, 0, 0]]
 */
export function oneHot(labels: ArrayLike<number> | tf.Tensor, numClasses: number): tf.Tensor2D {
  assertNumber('numClasses', numClasses, { min: 1, integer: true });
  if (labels instanceof tf.Tensor) {
    assertRank('labels', labels.shape, 1);
    assertDType('labels', labels.dtype, ['int32']);
    return tf.tidy(
      () => tf.cast(tf.oneHot(labels as tf.Tensor1D, numClasses), 'float32') as tf.Tensor2D,
    );
  }
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new ConfigError('labels must be an array or an int32 tensor', {
      argument: 'labels',
      received: labels,
    });
  }
  const n = labels.length;
  const out = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new ValueRangeError(`label ${i} out of range`, {
        argument: 'labels',
        expected: `integers in [0, ${numClasses})`,
        received: c,
      });
    }
    out[i * numClasses + c] = 1;
  }
  return tf.tensor2d(out, [n, numClasses], 'float32');
}

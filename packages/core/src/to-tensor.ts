import * as tf from '@tensorflow/tfjs-core';
import { DTypeError, NaNError, ShapeError, TrainkitError } from './errors';
import { assertDType, assertRank, assertShape } from './validate';

/** What {@link toTensor} accepts. */
export type TensorLike =
  | tf.Tensor
  | number
  | number[]
  | number[][]
  | number[][][]
  | number[][][][]
  | number[][][][][]
  | Float32Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Float64Array
  | boolean[];

export interface ToTensorOptions {
  /** The argument's name, used in error messages. Default `'x'`. */
  name?: string;
  /** Required rank (or ranks). */
  rank?: number | readonly number[];
  /** Required shape; `null` matches any size. For typed arrays it is also the shape to use. */
  shape?: readonly (number | null)[];
  /** Required dtype (tensor inputs) or dtype to create (array inputs). Default float32. */
  dtype?: 'float32' | 'int32' | 'bool';
  /** Reject NaN and infinities (reads tensor values: for boundaries, not hot loops). */
  finite?: boolean;
}

function inferShape(name: string, x: unknown): number[] {
  const shape: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  // Verify every sub-array is rectangular and every leaf a number/boolean.
  const check = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new DTypeError('nested arrays must hold numbers', {
          argument: `${name}${path}`,
          expected: 'a number',
          received: v,
        });
      }
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ShapeError('ragged nested array', {
        argument: `${name}${path}`,
        expected: `an array of length ${shape[depth]}`,
        ...(Array.isArray(v) ? { receivedText: `length ${v.length}` } : { received: v }),
      });
    }
    for (let i = 0; i < v.length; i++) check(v[i], depth + 1, `${path}[${i}]`);
  };
  check(x, 0, '');
  return shape;
}

/**
 * Converts `x` to a tensor and validates it. Tensor inputs are returned as they are (not
 * copied: the caller still owns them); anything else becomes a new tensor the caller owns.
 * Typed arrays need `shape` (or become rank 1).
 *
 * @example toTensor([[1, 2], [3, 4]], { name: 'x', rank: 2 })
 * @example toTensor(new Float32Array(784 * 64), { name: 'images', shape: [64, 28, 28, 1] })
 */
export function toTensor(x: TensorLike, options: ToTensorOptions = {}): tf.Tensor {
  const name = options.name ?? 'x';
  let t: tf.Tensor;
  let owned = false;
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) {
      throw new TrainkitError('STATE', 'tensor is disposed', {
        argument: name,
        expected: 'a live tensor',
      });
    }
    t = x;
    if (options.dtype) assertDType(name, t.dtype, [options.dtype]);
  } else if (typeof x === 'number') {
    t = tf.scalar(x, options.dtype ?? 'float32');
    owned = true;
  } else if (ArrayBuffer.isView(x)) {
    const data = x as ArrayLike<number> & ArrayBufferView;
    const shape = options.shape?.some((d) => d === null || d === -1) ? undefined : options.shape;
    const size = shape ? shape.reduce<number>((a, b) => a * (b as number), 1) : data.length;
    if (size !== data.length) {
      throw new ShapeError('typed array length does not match shape', {
        argument: name,
        expected: `${size} values for shape [${shape?.join(', ')}]`,
        receivedText: `${data.length} values`,
      });
    }
    const dtype = options.dtype ?? (x instanceof Int32Array ? 'int32' : 'float32');
    const values =
      x instanceof Float32Array || x instanceof Int32Array ? x : Float32Array.from(data);
    t = tf.tensor(values as Float32Array, (shape as number[] | undefined) ?? [data.length], dtype);
    owned = true;
  } else if (Array.isArray(x)) {
    const shape = inferShape(name, x);
    t = tf.tensor(x as number[], shape, options.dtype ?? 'float32');
    owned = true;
  } else {
    throw new DTypeError('cannot convert to a tensor', {
      argument: name,
      expected: 'a Tensor, number, nested number array or typed array',
      received: x,
    });
  }
  try {
    if (options.rank !== undefined) assertRank(name, t.shape, options.rank);
    if (options.shape !== undefined) assertShape(name, t.shape, options.shape);
    if (options.finite && t.dtype === 'float32') {
      const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(t))).dataSync()[0]);
      if (bad) {
        throw new NaNError('contains NaN or infinite values', {
          argument: name,
          expected: 'finite values',
        });
      }
    }
  } catch (e) {
    if (owned) t.dispose();
    throw e;
  }
  return t;
}

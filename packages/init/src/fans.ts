import { assertNumber, ShapeError } from '@trainkit/core';

/** Fan-in and fan-out of a weight shape. */
export interface Fans {
  fanIn: number;
  fanOut: number;
}

/**
 * Fans of a weight shape, the Keras / PyTorch convention: dense kernels are `[in, out]`;
 * conv kernels `[kh, kw, ..., in, out]` multiply both fans by the receptive field
 * `kh * kw * ...`. A vector `[n]` has fanIn = fanOut = n; a scalar has 1 and 1.
 *
 * @example
 * computeFans([3, 3, 16, 32]) // { fanIn: 144, fanOut: 288 }
 */
export function computeFans(shape: readonly number[]): Fans {
  if (!Array.isArray(shape)) {
    throw new ShapeError('must be an array of dimensions', {
      argument: 'shape',
      expected: 'number[]',
      received: shape,
    });
  }
  shape.forEach((d, i) => {
    assertNumber(`shape[${i}]`, d, { min: 1, integer: true });
  });
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  let receptiveField = 1;
  for (const d of shape.slice(0, -2)) receptiveField *= d;
  return {
    fanIn: shape[shape.length - 2]! * receptiveField,
    fanOut: shape[shape.length - 1]! * receptiveField,
  };
}

import * as tf from '@tensorflow/tfjs-core';
import { isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { expectClose, take } from '../test/helpers';
import { flattenImages, perImageStandardize, unflattenImages } from './image';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return isTrainkitError(e) ? `${e.code} ${e.argument}` : `untyped ${String(e)}`;
  }
  return undefined;
};

describe('image helpers', () => {
  it('flattenImages / unflattenImages are inverse reshapes of NHWC', () => {
    const imgs = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 1, 2, 3]);
    const rows = flattenImages(imgs);
    expect(rows.shape).toEqual([2, 6]);
    const back = unflattenImages(rows, [1, 2, 3]);
    expect(back.shape).toEqual([2, 1, 2, 3]);
    expect(Array.from(take(back))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    tf.dispose([imgs, rows]);
  });

  it('perImageStandardize: each image to mean 0, std 1; a flat image to zeros', () => {
    // Image 1: [1, 3] -> mean 2, std 1 -> [-1, 1]; image 2 constant -> zeros (guard 1/sqrt(2)).
    const x = tf.tensor4d([1, 3, 5, 5], [2, 1, 1, 2]);
    expectClose(take(perImageStandardize(x)), [-1, 1, 0, 0], 1e-6);
    x.dispose();
  });

  it('rejects wrong ranks and non-tensors, and leaks nothing', async () => {
    const v = tf.ones([4]);
    const m = tf.ones([2, 3]);
    expect(code(() => flattenImages(m))).toBe('SHAPE images');
    expect(code(() => unflattenImages(v, [1, 2, 2]))).toBe('SHAPE rows');
    expect(code(() => perImageStandardize(v))).toBe('SHAPE images');
    expect(code(() => perImageStandardize(3 as never))).toBe('CONFIG images');
    const imgs = tf.ones([2, 2, 2, 3]);
    await expectNoLeaks(() => {
      const r = flattenImages(imgs);
      tf.dispose([r, unflattenImages(r, [2, 2, 3]), perImageStandardize(imgs)]);
    });
    tf.dispose([v, m, imgs]);
  });
});

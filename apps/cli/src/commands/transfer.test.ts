import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks, tensorDelta } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { adaptImages } from './transfer';

describe('adaptImages', () => {
  it('tiles grey to RGB and averages RGB to grey', async () => {
    const grey = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    await expectNoLeaks(() => adaptImages(grey, [2, 2, 3]).dispose());
    const rgb = adaptImages(grey, [2, 2, 3]);
    expect(Array.from(await rgb.data())).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    const back = adaptImages(tf.tensor4d([0, 3, 6, 3, 3, 3], [1, 1, 2, 3]), [1, 2, 1]);
    expect(Array.from(await back.data())).toEqual([3, 3]);
    tf.dispose([grey, rgb, back]);
  });

  it('resizes bilinearly (a constant image stays constant) and copies when nothing changes', async () => {
    const x = tf.fill([2, 8, 8, 1], 0.25) as tf.Tensor4D;
    await expectNoLeaks(() => adaptImages(x, [28, 28, 1]).dispose());
    const y = adaptImages(x, [28, 28, 1]);
    expect(y.shape).toEqual([2, 28, 28, 1]);
    expect(Math.max(...Array.from(await y.data(), (v) => Math.abs(v - 0.25)))).toBeLessThan(1e-6);
    // Exactly one new tensor (the caller's), also when nothing changes.
    let same: tf.Tensor | undefined;
    expect(
      await tensorDelta(() => {
        same = adaptImages(x, [8, 8, 1]);
      }),
    ).toBe(1);
    expect(same).not.toBe(x);
    tf.dispose([x, y, same as tf.Tensor]);
  });

  it('refuses channel counts it cannot convert', () => {
    const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    expect(() => adaptImages(x, [4, 4, 3])).toThrow(
      /--dataset: cannot convert the dataset channels/,
    );
    x.dispose();
  });
});

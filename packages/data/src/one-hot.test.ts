import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { oneHot } from './one-hot';

describe('oneHot', () => {
  it('puts a single 1 in each row at the label', async () => {
    const t = oneHot([2, 0, 1], 3);
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([3, 3]);
    expect(await t.array()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    t.dispose();
  });

  it('encodes an int32 tensor on the backend', async () => {
    const labels = tf.tensor1d([1, 3], 'int32');
    const t = oneHot(labels, 4);
    expect(await t.array()).toEqual([
      [0, 1, 0, 0],
      [0, 0, 0, 1],
    ]);
    tf.dispose([labels, t]);
  });

  it('leaks nothing besides its result', async () => {
    const labels = tf.tensor1d([1, 0], 'int32');
    await expectNoLeaks(() => tf.dispose(oneHot(labels, 2)));
    await expectNoLeaks(() => tf.dispose(oneHot(new Int32Array([1, 0]), 2)));
    labels.dispose();
  });

  it('rejects labels outside [0, numClasses) or not integers', () => {
    expect(() => oneHot([0, 3], 3)).toThrow(
      /labels: label 1 out of range; expected integers in \[0, 3\); received 3/,
    );
    expect(() => oneHot([0.5], 3)).toThrow(expect.objectContaining({ code: 'RANGE' }));
  });

  it('rejects a bad numClasses, a float or rank-2 tensor, and non-arrays', () => {
    expect(() => oneHot([0], 0)).toThrow(/numClasses: out of range/);
    const f = tf.tensor1d([0, 1], 'float32');
    const m = tf.tensor2d([[0]], [1, 1], 'int32');
    expect(() => oneHot(f, 2)).toThrow(
      expect.objectContaining({ code: 'DTYPE', argument: 'labels' }),
    );
    expect(() => oneHot(m, 2)).toThrow(
      expect.objectContaining({ code: 'SHAPE', argument: 'labels' }),
    );
    tf.dispose([f, m]);
    expect(() => oneHot(5 as unknown as number[], 2)).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});

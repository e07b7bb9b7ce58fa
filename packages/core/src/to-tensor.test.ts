import * as tf from '@tensorflow/tfjs-core';
import { errorCode as codeOf, expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { toTensor } from './to-tensor';

describe('toTensor', () => {
  it('converts numbers, nested arrays and typed arrays with a shape', async () => {
    const s = toTensor(3);
    expect(s.shape).toEqual([]);
    expect(await s.data()).toEqual(new Float32Array([3]));
    const m = toTensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(await m.data())).toEqual([1, 2, 3, 4, 5, 6]);
    const t = toTensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
    expect(t.shape).toEqual([3, 2]);
    const i = toTensor(new Int32Array([1, 2]));
    expect(i.dtype).toBe('int32');
    const u = toTensor(new Uint8Array([1, 255]));
    expect(Array.from(await u.data())).toEqual([1, 255]);
    const labels = toTensor([0, 2, 1], { dtype: 'int32' });
    expect(labels.dtype).toBe('int32');
    tf.dispose([s, m, t, i, u, labels]);
  });

  it('returns a tensor input itself (the caller keeps ownership)', () => {
    const x = tf.zeros([2, 2]);
    expect(toTensor(x, { rank: 2 })).toBe(x);
    x.dispose();
  });

  it('rejects ragged arrays, wrong ranks, shapes and dtypes with typed errors naming the argument', () => {
    expect(() => toTensor([[1, 2], [3]], { name: 'images' })).toThrow(
      /images\[1\]: ragged nested array/,
    );
    expect(codeOf(() => toTensor([[1, 2], [3]]))).toBe('SHAPE');
    expect(codeOf(() => toTensor([1, 2], { rank: 2 }))).toBe('SHAPE');
    expect(codeOf(() => toTensor([[1, 2]], { shape: [null, 3] }))).toBe('SHAPE');
    expect(codeOf(() => toTensor(new Float32Array(5), { shape: [2, 2] }))).toBe('SHAPE');
    expect(codeOf(() => toTensor([['a']] as never))).toBe('DTYPE');
    expect(codeOf(() => toTensor({} as never))).toBe('DTYPE');
    const x = tf.zeros([2], 'int32');
    expect(codeOf(() => toTensor(x, { dtype: 'float32' }))).toBe('DTYPE');
    x.dispose();
    expect(codeOf(() => toTensor(x))).toBe('STATE');
  });

  it('rejects NaN and infinities when asked', () => {
    expect(() => toTensor([1, Number.NaN], { name: 'x', finite: true })).toThrow(/x: contains NaN/);
    expect(codeOf(() => toTensor([1, Number.POSITIVE_INFINITY], { finite: true }))).toBe('NAN');
  });

  it('leaks no tensors, also when it throws', async () => {
    await expectNoLeaks(() => toTensor([1, 2]).dispose());
    await expectNoLeaks(() => codeOf(() => toTensor([1, 2], { rank: 2 })));
    await expectNoLeaks(() => codeOf(() => toTensor([1, Number.NaN], { finite: true })));
    const x = tf.ones([3]);
    await expectNoLeaks(() => toTensor(x, { finite: true }));
    x.dispose();
  });
});

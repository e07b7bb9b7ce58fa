import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFastKernels, uninstallFastKernels } from './install-fast-kernels';
import { dataIds } from './test-helpers';

describe('Identity and same-dtype Cast share the buffer on wasm', () => {
  beforeAll(async () => {
    installFastKernels('wasm');
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    uninstallFastKernels('wasm');
    await tf.setBackend('cpu');
  });

  it('returns the same values, and a copy outlives its source', async () => {
    const x = tf.tensor2d([1.5, -2, 3, 4.25], [2, 2]);
    const copies = [
      tf.clone(x),
      tf.cast(x, 'float32'),
      tf.engine().runKernel('Identity', { x }) as tf.Tensor,
    ];
    x.dispose();
    for (const c of copies) {
      expect(c.shape).toEqual([2, 2]);
      expect(Array.from(await c.data())).toEqual([1.5, -2, 3, 4.25]);
    }
    tf.dispose(copies);
  });

  it('converts between dtypes; to bool as x != 0 (stock wasm keeps the number)', async () => {
    const f = tf.tensor1d([1.7, -2.2, 0]);
    const i = tf.cast(f, 'int32');
    const b = tf.cast(tf.tensor1d([0, 3, -1], 'int32'), 'bool');
    const fb = tf.cast(tf.tensor1d([0, 0.5, -2]), 'bool');
    expect(i.dtype).toBe('int32');
    expect(Array.from(await i.data())).toEqual([1, -2, 0]);
    expect(b.dtype).toBe('bool');
    expect(Array.from(await b.data())).toEqual([0, 1, 1]);
    expect(Array.from(await fb.data())).toEqual([0, 1, 1]);
    tf.dispose([f, i, b, fb]);
  });

  it('a clone keeps its values when the variable it came from is assigned', async () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const before = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(await before.data())).toEqual([1, 2, 3]);
    expect(Array.from(await v.data())).toEqual([7, 8, 9]);
    tf.dispose([v, before]);
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const x = tf.ones([3, 4]);
    const live = dataIds();
    await expectNoLeaks(() =>
      tf.dispose([tf.clone(x), tf.cast(x, 'float32'), tf.cast(x, 'int32')]),
    );
    expect(dataIds()).toBe(live);
    x.dispose();
  });
});

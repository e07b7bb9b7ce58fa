import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFastKernels, uninstallFastKernels } from './install-fast-kernels';
import { dataIds, expectClose } from './test-helpers';

const oneHot = (dtype: 'float32' | 'int32', on: number, off: number) => () =>
  tf.oneHot(tf.tensor1d([0, 2, -1, 1], 'int32'), 3, on, off, dtype);

describe('OneHot on wasm', () => {
  beforeAll(() => {
    installFastKernels('wasm');
  });
  afterAll(async () => {
    uninstallFastKernels('wasm');
    await tf.setBackend('cpu');
  });

  it('honours dtype and on/off values (hand-written expectations, out-of-range index all off)', async () => {
    await tf.setBackend('wasm');
    const cases: [dtype: 'float32' | 'int32', on: number, off: number, want: number[]][] = [
      ['float32', 1, 0, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]],
      ['float32', 0.9, 0.05, [0.9, 0.05, 0.05, 0.05, 0.05, 0.9, 0.05, 0.05, 0.05, 0.05, 0.9, 0.05]],
      ['int32', 5, -2, [5, -2, -2, -2, -2, 5, -2, -2, -2, -2, 5, -2]],
    ];
    for (const [dtype, on, off, want] of cases) {
      const t = oneHot(dtype, on, off)();
      expect(t.dtype).toBe(dtype);
      expect(t.shape).toEqual([4, 3]);
      expectClose(await t.data(), Float32Array.from(want), 1e-7, 0, `${dtype} ${on} ${off}`);
      t.dispose();
    }
  });

  it('leaks neither tensors nor backend buffers', async () => {
    await tf.setBackend('wasm');
    const before = dataIds();
    await expectNoLeaks(() => tf.dispose(tf.tidy(oneHot('float32', 0.9, 0.05))));
    await expectNoLeaks(() => tf.dispose(tf.tidy(oneHot('float32', 1, 0))));
    expect(dataIds()).toBe(before);
  });
});

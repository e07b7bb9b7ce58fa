import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedKernels, installFastKernels, uninstallFastKernels } from './install-fast-kernels';
import { dataIds, expectClose, randn, valuesOn } from './test-helpers';

interface Case {
  shape: number[];
  axis: number | number[];
  keepDims?: boolean;
  dtype?: 'float32' | 'int32';
}
const cases: Case[] = [
  { shape: [64, 32, 32, 32], axis: [0, 1, 2] }, // batch norm's reduction in the small ResNet
  { shape: [7, 5, 3, 6], axis: [0, 1, 2], keepDims: true },
  { shape: [7, 5, 3, 6], axis: [2, 0, 1] }, // unsorted axes
  { shape: [9, 11], axis: 0 },
  { shape: [9, 11], axis: -2, keepDims: true },
  { shape: [4, 3, 5, 2], axis: [0, 1] }, // two trailing dims kept
  { shape: [4, 3, 5, 2], axis: [1, 2] }, // not leading: the original kernel
  { shape: [4, 3, 5, 2], axis: [0, 2] }, // not contiguous: the original kernel
  { shape: [4, 3, 5], axis: [0, 1, 2] }, // everything, innermost included: the original
  { shape: [6, 4], axis: 0, dtype: 'int32' }, // int32: the original
  { shape: [1, 1, 1, 3], axis: [0, 1, 2], keepDims: true },
];

function reduce(kind: 'sum' | 'mean', c: Case, seed: number) {
  const v = randn(new Rng(seed), c.shape).map((a) => (c.dtype === 'int32' ? Math.round(a * 5) : a));
  const op = kind === 'sum' ? tf.sum : tf.mean;
  return () => op(tf.tensor(v, c.shape, c.dtype ?? 'float32'), c.axis, c.keepDims);
}

describe('Sum and Mean over leading axes', () => {
  const refs: Record<string, { values: Float32Array; shape: number[]; dtype: string }[]> = {
    sum: [],
    mean: [],
  };
  beforeAll(async () => {
    for (const kind of ['sum', 'mean'] as const) {
      for (const [i, c] of cases.entries()) {
        await tf.setBackend('cpu');
        const t = tf.tidy(reduce(kind, c, i));
        refs[kind]?.push({
          values: (await t.data()) as Float32Array,
          shape: t.shape,
          dtype: t.dtype,
        });
        t.dispose();
      }
    }
    installFastKernels('wasm');
  });
  afterAll(async () => {
    uninstallFastKernels('wasm');
    await tf.setBackend('cpu');
  });

  it('is installed on wasm', () => {
    expect(installedKernels('wasm')).toEqual(expect.arrayContaining(['Sum', 'Mean']));
  });

  it('matches the cpu kernels (values and shapes) for every axis pattern, keepDims and dtype', async () => {
    for (const kind of ['sum', 'mean'] as const) {
      for (const [i, c] of cases.entries()) {
        await tf.setBackend('wasm');
        const t = tf.tidy(reduce(kind, c, i));
        const ref = refs[kind]?.[i] as { values: Float32Array; shape: number[]; dtype: string };
        expect(t.shape, `${kind} ${JSON.stringify(c)}`).toEqual(ref.shape);
        expect(t.dtype).toBe(ref.dtype);
        // Both sum in double precision (in different orders) and round once to float32.
        expectClose(await t.data(), ref.values, 1e-6, 1e-6, `${kind} ${JSON.stringify(c)}`);
        t.dispose();
      }
    }
  });

  it('computes the mean of a hand-made tensor', async () => {
    const got = await valuesOn('wasm', () =>
      tf.mean(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]), [0, 1]),
    );
    // Channel 0: (1+3+5+7+9+11)/6 = 6; channel 1: (2+4+...+12)/6 = 7.
    expectClose(got, [6, 7], 0, 0);
  });

  it('leaks neither tensors nor backend buffers', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([5, 4, 3]);
    const before = dataIds();
    await expectNoLeaks(() => tf.dispose([tf.sum(x, [0, 1]), tf.mean(x, [0, 1], true)]));
    expect(dataIds()).toBe(before);
    tf.dispose(x);
  });
});

import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFastKernels, uninstallFastKernels } from './install-fast-kernels';
import { dataIds, expectClose, randn, valuesOn } from './test-helpers';

const cases: { shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [
  { shape: [3], reps: [4], dtype: 'float32' },
  { shape: [2, 3], reps: [1, 1], dtype: 'float32' },
  { shape: [2, 3], reps: [3, 1], dtype: 'float32' },
  { shape: [2, 3], reps: [1, 2], dtype: 'int32' },
  { shape: [1, 5, 1, 3], reps: [4, 1, 6, 1], dtype: 'float32' },
  { shape: [2, 3, 4], reps: [2, 3, 2], dtype: 'float32' },
  { shape: [2, 1, 2, 1, 2], reps: [2, 3, 2, 3, 2], dtype: 'float32' }, // > 6 dims: fallback
  { shape: [2, 3], reps: [2, 2], dtype: 'bool' }, // non-numeric: fallback
];

describe('Tile through a broadcasting add', () => {
  const refs: Float32Array[] = [];
  const make = (i: number) => {
    const c = cases[i] as (typeof cases)[number];
    const v = randn(new Rng(i), c.shape);
    return () =>
      tf.tile(
        c.dtype === 'bool' ? tf.greater(tf.tensor(v, c.shape), 0) : tf.tensor(v, c.shape, c.dtype),
        c.reps,
      );
  };
  beforeAll(async () => {
    for (let i = 0; i < cases.length; i++) refs.push(await valuesOn('cpu', make(i)));
    installFastKernels('wasm');
  });
  afterAll(async () => {
    uninstallFastKernels('wasm');
    await tf.setBackend('cpu');
  });

  it('matches the cpu kernel for every shape, rep pattern and dtype', async () => {
    for (let i = 0; i < cases.length; i++) {
      expectClose(await valuesOn('wasm', make(i)), refs[i] as Float32Array, 0, 0, `case ${i}`);
    }
  });

  it('leaks neither tensors nor backend buffers', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([2, 3]);
    const before = dataIds();
    await expectNoLeaks(() => tf.dispose(tf.tile(x, [4, 5])));
    expect(dataIds()).toBe(before);
    tf.dispose(x);
  });
});

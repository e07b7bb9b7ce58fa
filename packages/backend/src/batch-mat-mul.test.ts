import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFastKernels, uninstallFastKernels } from './install-fast-kernels';
import { dataIds, expectClose, randn, valuesOn } from './test-helpers';

// [a shape, b shape, transposeA, transposeB]
const cases: [number[], number[], boolean, boolean][] = [
  [[5, 7], [7, 3], false, false],
  [[7, 5], [7, 3], true, false],
  [[5, 7], [3, 7], false, true],
  [[7, 5], [3, 7], true, true],
  [[2, 9, 4], [2, 9, 6], true, false],
  [[3, 4, 9], [3, 6, 9], false, true],
  [[1, 64, 10], [1, 84, 10], false, true],
];

describe('BatchMatMul with transposes made explicit', () => {
  const refs: Float32Array[] = [];
  const make = (i: number) => {
    const [as, bs, ta, tb] = cases[i] as (typeof cases)[number];
    const rng = new Rng(i);
    const av = randn(rng, as);
    const bv = randn(rng, bs);
    return () => tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), ta, tb);
  };
  beforeAll(async () => {
    for (let i = 0; i < cases.length; i++) refs.push(await valuesOn('cpu', make(i)));
    installFastKernels('wasm');
  });
  afterAll(async () => {
    uninstallFastKernels('wasm');
    await tf.setBackend('cpu');
  });

  it('matches the cpu kernel for every transpose combination and rank', async () => {
    for (let i = 0; i < cases.length; i++) {
      expectClose(
        await valuesOn('wasm', make(i)),
        refs[i] as Float32Array,
        1e-5,
        1e-5,
        `case ${i}`,
      );
    }
  });

  it('leaks neither tensors nor backend buffers', async () => {
    await tf.setBackend('wasm');
    const a = tf.ones([4, 3]);
    const before = dataIds();
    await expectNoLeaks(() => tf.dispose([tf.matMul(a, a, true), tf.matMul(a, a, false, true)]));
    expect(dataIds()).toBe(before);
    tf.dispose(a);
  });
});

import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuFallbackKernel } from './cpu-fallback';
import { installFastKernels, uninstallFastKernels } from './install-fast-kernels';
import { dataIds, expectClose, randn, valuesOn } from './test-helpers';

// Depthwise conv gradients (strides, paddings, dilations, channel multipliers) and the
// gather gradient, through tf.grads so the backprop kernels are what runs.
interface Case {
  x: [number, number, number, number];
  k: number;
  mult: number;
  s: number;
  pad: 'same' | 'valid';
  d: number;
}
const cases: Case[] = [
  { x: [1, 5, 5, 2], k: 3, mult: 1, s: 1, pad: 'valid', d: 1 },
  { x: [2, 7, 6, 3], k: 3, mult: 2, s: 2, pad: 'same', d: 1 },
  { x: [2, 8, 8, 1], k: 3, mult: 3, s: 1, pad: 'same', d: 1 },
  { x: [3, 9, 7, 2], k: 2, mult: 1, s: 2, pad: 'valid', d: 1 },
];

function depthwiseGrads(c: Case, seed: number) {
  const rng = new Rng(seed);
  const wShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.mult];
  const xv = randn(rng, c.x);
  const wv = randn(rng, wShape);
  return () => {
    const f = (x: tf.Tensor, w: tf.Tensor) =>
      tf.sum(
        tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad, 'NHWC', c.d)),
      );
    const [gx, gw] = tf.grads(f)([tf.tensor4d(xv, c.x), tf.tensor4d(wv, wShape)]);
    return tf.concat([tf.reshape(gx as tf.Tensor, [-1]), tf.reshape(gw as tf.Tensor, [-1])]);
  };
}
// tfjs's op-level gradient refuses dilation > 1, so the dilated kernel is called directly.
const dilatedFilterGrad = () => {
  const rng = new Rng(11);
  const x = tf.tensor4d(randn(rng, [2, 9, 8, 2]), [2, 9, 8, 2]);
  const dy = tf.tensor4d(randn(rng, [2, 5, 4, 4]), [2, 5, 4, 4]);
  return tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
    strides: [1, 1],
    pad: 'valid',
    dilations: [2, 2],
    dimRoundingMode: undefined,
    filterShape: [3, 3, 2, 2],
  } as never) as tf.Tensor;
};
const gatherGrad = () => {
  const table = tf.tensor2d(randn(new Rng(7), [5, 3]), [5, 3]);
  const idx = tf.tensor1d([4, 0, 4, 2, 4], 'int32');
  return tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, idx))))(table);
};

describe('cpu fallback kernels on wasm', () => {
  const refs: Float32Array[] = [];
  beforeAll(async () => {
    for (const [i, c] of cases.entries()) refs.push(await valuesOn('cpu', depthwiseGrads(c, i)));
    refs.push(await valuesOn('cpu', gatherGrad));
    refs.push(await valuesOn('cpu', dilatedFilterGrad));
    installFastKernels('wasm');
  });
  afterAll(async () => {
    uninstallFastKernels('wasm');
    await tf.setBackend('cpu');
  });

  it('gives the depthwise conv gradients of the cpu backend', async () => {
    for (const [i, c] of cases.entries()) {
      const got = await valuesOn('wasm', depthwiseGrads(c, i));
      expectClose(got, refs[i] as Float32Array, 1e-4, 1e-4, JSON.stringify(c));
    }
  });

  it('gives the dilated depthwise filter gradient of the cpu backend', async () => {
    const got = await valuesOn('wasm', dilatedFilterGrad);
    expectClose(got, refs[cases.length + 1] as Float32Array, 1e-4, 1e-4);
  });

  it('gives the gather gradient (UnsortedSegmentSum) of the cpu backend', async () => {
    const got = await valuesOn('wasm', gatherGrad);
    expectClose(got, refs[cases.length] as Float32Array, 1e-5, 1e-5);
    // Independent check: row 4 was gathered three times, row 1 never (d/dt sum t^2 = 2t).
    const table = randn(new Rng(7), [5, 3]);
    for (let j = 0; j < 3; j++) {
      expect(got[12 + j]).toBeCloseTo(6 * (table[12 + j] as number), 4);
      expect(got[3 + j]).toBe(0);
    }
  });

  it('leaks neither tensors nor backend buffers', async () => {
    await tf.setBackend('wasm');
    const before = dataIds();
    await expectNoLeaks(() => tf.dispose(tf.tidy(depthwiseGrads(cases[1] as Case, 1))));
    await expectNoLeaks(() => tf.dispose(tf.tidy(gatherGrad)));
    expect(dataIds()).toBe(before);
  });

  it('throws ConfigError when the cpu backend has no such kernel', async () => {
    await tf.setBackend('wasm');
    const config = cpuFallbackKernel('NoSuchKernel', 'wasm');
    const backend = tf.engine().backend;
    expect(() => config.kernelFunc({ inputs: {}, attrs: {}, backend })).toThrow(ConfigError);
    expect(() => config.kernelFunc({ inputs: {}, attrs: {}, backend })).toThrow(/NoSuchKernel/);
  });
});

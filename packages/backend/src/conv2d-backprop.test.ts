import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFastKernels, uninstallFastKernels } from './install-fast-kernels';
import { dataIds, expectClose, randn, valuesOn } from './test-helpers';

type Pad =
  | 'same'
  | 'valid'
  | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  s: [number, number];
  pad: Pad;
}
const explicit = (t: number, b: number, l: number, r: number): Pad => [
  [0, 0],
  [t, b],
  [l, r],
  [0, 0],
];
const cases: Case[] = [
  { x: [1, 5, 5, 1], k: [3, 3], co: 1, s: [1, 1], pad: 'valid' },
  { x: [2, 7, 6, 3], k: [3, 3], co: 4, s: [1, 1], pad: 'same' },
  { x: [3, 9, 9, 2], k: [3, 3], co: 5, s: [2, 2], pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], co: 2, s: [2, 2], pad: 'same' },
  { x: [2, 9, 7, 2], k: [2, 3], co: 3, s: [2, 1], pad: 'valid' },
  { x: [1, 11, 10, 2], k: [5, 5], co: 3, s: [3, 2], pad: 'valid' },
  { x: [2, 6, 6, 1], k: [5, 5], co: 6, s: [1, 1], pad: 'same' },
  { x: [2, 6, 7, 2], k: [3, 3], co: 2, s: [1, 1], pad: explicit(1, 2, 0, 1) },
  { x: [1, 7, 7, 3], k: [3, 2], co: 2, s: [2, 2], pad: explicit(2, 0, 1, 3) },
  { x: [2, 5, 5, 2], k: [1, 1], co: 3, s: [2, 2], pad: 'valid' },
  { x: [1, 4, 4, 2], k: [4, 4], co: 2, s: [1, 1], pad: 'valid' },
  { x: [2, 5, 6, 1], k: [2, 2], co: 2, s: [1, 1], pad: explicit(3, 3, 2, 2) },
];
const label = (c: Case) =>
  `x ${c.x.join('x')}, k ${c.k.join('x')}x${c.co}, stride ${c.s.join(',')}, pad ${JSON.stringify(c.pad)}`;

function tensors(c: Case, seed: number) {
  const rng = new Rng(seed);
  const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.co];
  const xv = randn(rng, c.x);
  const wv = randn(rng, filterShape);
  const y = tf.conv2d(
    tf.zeros(c.x) as tf.Tensor4D,
    tf.zeros(filterShape) as tf.Tensor4D,
    c.s,
    c.pad,
  );
  const dyShape = y.shape;
  tf.dispose(y);
  const dyv = randn(rng, dyShape);
  return {
    filterShape,
    x: () => tf.tensor4d(xv, c.x),
    w: () => tf.tensor4d(wv, filterShape),
    dy: () => tf.tensor4d(dyv, dyShape),
  };
}

const filterGrad = (c: Case, t: ReturnType<typeof tensors>) => () =>
  tf.engine().runKernel('Conv2DBackpropFilter', { x: t.x(), dy: t.dy() }, {
    strides: c.s,
    pad: c.pad,
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
    filterShape: t.filterShape,
  } as never) as tf.Tensor;
const inputGrad = (c: Case, t: ReturnType<typeof tensors>) => () =>
  tf.engine().runKernel('Conv2DBackpropInput', { dy: t.dy(), filter: t.w() }, {
    strides: c.s,
    pad: c.pad,
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
    inputShape: c.x,
  } as never) as tf.Tensor;

describe('conv2d backprops through forward conv', () => {
  // References come from the stock cpu kernels, computed before anything is installed.
  const refs: { filter: Float32Array; input: Float32Array }[] = [];
  beforeAll(async () => {
    for (const [i, c] of cases.entries()) {
      const t = tensors(c, i);
      refs.push({
        filter: await valuesOn('cpu', filterGrad(c, t)),
        input: await valuesOn('cpu', inputGrad(c, t)),
      });
    }
    installFastKernels('wasm');
  });
  afterAll(async () => {
    uninstallFastKernels('wasm');
    uninstallFastKernels('cpu');
    await tf.setBackend('cpu');
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`matches the stock cpu kernels on ${backend} across strides, paddings and odd sizes`, async () => {
      if (backend === 'cpu') installFastKernels('cpu');
      for (const [i, c] of cases.entries()) {
        const t = tensors(c, i);
        const ref = refs[i] as { filter: Float32Array; input: Float32Array };
        const what = label(c);
        expectClose(await valuesOn(backend, filterGrad(c, t)), ref.filter, 1e-4, 1e-4, what);
        expectClose(await valuesOn(backend, inputGrad(c, t)), ref.input, 1e-4, 1e-4, what);
      }
      // The reference is not trivially zero (the check could not pass by accident).
      expect(refs.every((r) => r.filter.some((v) => Math.abs(v) > 1e-3))).toBe(true);
    });
  }

  it('leaks neither tensors nor backend buffers', async () => {
    await tf.setBackend('wasm');
    for (const [i, c] of cases.slice(0, 6).entries()) {
      const t = tensors(c, i);
      const x = t.x();
      const w = t.w();
      const dy = t.dy();
      const before = dataIds();
      await expectNoLeaks(() => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), dy)),
        )([x, w]);
        tf.dispose(g);
      });
      expect(dataIds()).toBe(before);
      tf.dispose([x, w, dy]);
    }
  });

  it('computes tf.grads of conv2d on wasm like the cpu backend', async () => {
    const c = cases[2] as Case;
    const t = tensors(c, 99);
    const grad = () => {
      const dy = t.dy();
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), dy)),
      )([t.x(), t.w()]);
      return tf.concat([tf.reshape(gx as tf.Tensor, [-1]), tf.reshape(gw as tf.Tensor, [-1])]);
    };
    uninstallFastKernels('cpu');
    const ref = await valuesOn('cpu', grad);
    expectClose(await valuesOn('wasm', grad), ref);
  });
});

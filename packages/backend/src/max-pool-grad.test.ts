import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFastKernels, uninstallFastKernels } from './install-fast-kernels';
import { dataIds, expectClose, randn, valuesOn } from './test-helpers';

interface Case {
  x: [number, number, number, number];
  f: [number, number];
  s: [number, number];
  pad: 'same' | 'valid';
  ties?: boolean;
}
const cases: Case[] = [
  { x: [1, 4, 4, 1], f: [2, 2], s: [2, 2], pad: 'valid' },
  { x: [2, 28, 28, 6], f: [2, 2], s: [2, 2], pad: 'valid' },
  { x: [2, 7, 5, 3], f: [3, 3], s: [2, 2], pad: 'same' }, // overlapping windows, odd sizes
  { x: [3, 9, 8, 2], f: [3, 2], s: [1, 2], pad: 'valid' },
  { x: [2, 6, 6, 2], f: [2, 2], s: [2, 2], pad: 'valid', ties: true }, // post-ReLU-like ties
  { x: [1, 5, 5, 2], f: [3, 3], s: [1, 1], pad: 'valid', ties: true }, // overlapping + ties
  { x: [2, 7, 9, 3], f: [3, 3], s: [2, 2], pad: 'same', ties: true }, // padded windows + ties
  { x: [1, 11, 6, 5], f: [4, 2], s: [3, 1], pad: 'same' },
  { x: [2, 7, 5, 3], f: [2, 2], s: [2, 2], pad: 'same' }, // 2x2 windows past the edge
  { x: [2, 7, 5, 3], f: [2, 2], s: [2, 2], pad: 'valid', ties: true }, // odd sizes, dropped edge
  { x: [64, 10, 10, 16], f: [2, 2], s: [2, 2], pad: 'valid' }, // LeNet's second pooling
];

function inputs(c: Case, seed: number): Float32Array {
  const raw = randn(new Rng(seed), c.x);
  return c.ties ? raw.map((v) => Math.max(0, Math.round(v))) : raw;
}

// Hand-written reference for 'valid' pooling where ties go to the FIRST maximum of a window
// in row-major order (tfjs's cpu convention, which the kernel follows).
function firstMaxReference(c: Case, xv: Float32Array): Float32Array {
  const [B, H, W, C] = c.x;
  const [fh, fw] = c.f;
  const [sh, sw] = c.s;
  const oh = Math.floor((H - fh) / sh) + 1;
  const ow = Math.floor((W - fw) / sw) + 1;
  const dx = new Float32Array(xv.length);
  const at = (b: number, h: number, w: number, ch: number) => ((b * H + h) * W + w) * C + ch;
  for (let b = 0; b < B; b++)
    for (let p = 0; p < oh; p++)
      for (let q = 0; q < ow; q++)
        for (let ch = 0; ch < C; ch++) {
          let best = -1;
          for (let i = 0; i < fh; i++)
            for (let j = 0; j < fw; j++) {
              const k = at(b, p * sh + i, q * sw + j, ch);
              if (best < 0 || (xv[k] as number) > (xv[best] as number)) best = k;
            }
          dx[best] = (dx[best] as number) + ((b * oh + p) * ow + q) * C + ch + 1;
        }
  return dx;
}

function maxPoolGrad(c: Case, seed: number) {
  const xv = inputs(c, seed);
  return () => {
    return tf.grad((x: tf.Tensor) => {
      const y = tf.maxPool(x as tf.Tensor4D, c.f, c.s, c.pad);
      // Distinct weights per output so misrouted gradients cannot cancel out.
      const w = tf.reshape(tf.range(1, 1 + y.size), y.shape);
      return tf.sum(tf.mul(y, w));
    })(tf.tensor4d(xv, c.x));
  };
}

describe('MaxPoolGrad on wasm', () => {
  const refs: Float32Array[] = [];
  beforeAll(async () => {
    for (const [i, c] of cases.entries()) {
      refs.push(await valuesOn('cpu', maxPoolGrad(c, i)));
    }
    installFastKernels('wasm');
  });
  afterAll(async () => {
    uninstallFastKernels('wasm');
    await tf.setBackend('cpu');
  });

  it('matches the cpu kernel on many shapes, ties and negative windows included', async () => {
    for (const [i, c] of cases.entries()) {
      const got = await valuesOn('wasm', maxPoolGrad(c, i));
      expectClose(got, refs[i] as Float32Array, 1e-5, 1e-6, JSON.stringify(c));
    }
  });

  it('routes ties to the first maximum of a window (a hand-written reference)', async () => {
    for (const [i, c] of cases.entries()) {
      if (!c.ties || c.pad !== 'valid') continue;
      const got = await valuesOn('wasm', maxPoolGrad(c, i));
      expectClose(got, firstMaxReference(c, inputs(c, i)), 0, 0, JSON.stringify(c));
    }
  });

  it('passes gradient through windows whose values are all <= 0 (stock wasm drops it)', async () => {
    const x = [-3, -1, -2, -4, 5, 1, 2, 3, 0, -2, -5, -6, -1, -7, -1, -1];
    const g = () =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(
        tf.tensor4d(x, [1, 4, 4, 1]),
      );
    // By hand: window maxima are 5 (index 4), 3 (7), 0 (8) and -1 (14, the first of the tied -1s).
    const want = new Float32Array(16);
    for (const k of [4, 7, 8, 14]) want[k] = 1;
    expectClose(await valuesOn('wasm', g), want, 0, 0);
  });

  it('leaks neither tensors nor backend buffers', async () => {
    await tf.setBackend('wasm');
    const before = dataIds();
    await expectNoLeaks(() => tf.dispose(tf.tidy(maxPoolGrad(cases[2] as Case, 2))));
    expect(dataIds()).toBe(before);
  });
});

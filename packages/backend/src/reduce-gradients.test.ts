import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { installFastKernels, uninstallFastKernels } from './install-fast-kernels';
import { expectClose } from './test-helpers';

// d/dx of sum_i w_i * reduce(x)_i, with distinct weights so that misrouted gradients show.
function gradOf(kind: 'mean' | 'sum', axis: number[], keepDims: boolean) {
  return tf.tidy(() => {
    const x = tf.reshape(tf.range(0, 24), [2, 3, 4]);
    return tf.grad((t: tf.Tensor) => {
      const r = kind === 'mean' ? tf.mean(t, axis, keepDims) : tf.sum(t, axis, keepDims);
      return tf.sum(tf.mul(r, tf.reshape(tf.range(1, 1 + r.size), r.shape)));
    })(x);
  });
}

describe('Mean and Sum gradients with backend-made ones', () => {
  // Registered by tfjs-layers (the test setup imports it) before any install.
  const stockMean = tf.getGradient('Mean');
  const stockSum = tf.getGradient('Sum');
  afterAll(async () => {
    uninstallFastKernels('wasm');
    await tf.setBackend('cpu');
  });

  it('match hand-computed gradients and the stock gradients on cpu', async () => {
    const cases: ['mean' | 'sum', number[], boolean][] = [
      ['mean', [0, 1], false],
      ['sum', [0, 1], true],
      ['mean', [2], true],
      ['sum', [1], false],
    ];
    await tf.setBackend('cpu');
    const stock = cases.map(([k, a, kd]) => gradOf(k, a, kd));
    installFastKernels('wasm');
    await tf.setBackend('wasm');
    for (const [i, [k, a, kd]] of cases.entries()) {
      const got = gradOf(k, a, kd);
      expectClose(await got.data(), await (stock[i] as tf.Tensor).data(), 1e-7, 1e-6, k);
      got.dispose();
    }
    // By hand: mean over axes [0, 1] of [2, 3, 4] -> 4 outputs weighted 1..4, each the mean
    // of 6 values, so dx[., ., c] = (c + 1) / 6.
    const hand = gradOf('mean', [0, 1], false);
    const want = Array.from({ length: 24 }, (_, i) => ((i % 4) + 1) / 6);
    expectClose(await hand.data(), Float32Array.from(want), 1e-7, 1e-6, 'by hand');
    tf.dispose([hand, ...stock]);
  });

  it('leak nothing', async () => {
    await tf.setBackend('wasm');
    await expectNoLeaks(() => tf.dispose(gradOf('mean', [0, 1], false)));
    await expectNoLeaks(() => tf.dispose(gradOf('sum', [2], true)));
  });

  it('are put back by uninstallFastKernels', () => {
    installFastKernels('wasm');
    expect(tf.getGradient('Mean')).not.toBe(stockMean);
    expect(tf.getGradient('Sum')).not.toBe(stockSum);
    uninstallFastKernels('wasm');
    expect(tf.getGradient('Mean')).toBe(stockMean);
    expect(tf.getGradient('Sum')).toBe(stockSum);
  });
});

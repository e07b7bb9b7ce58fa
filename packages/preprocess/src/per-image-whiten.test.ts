import * as tf from '@tensorflow/tfjs-core';
import { isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { covariance, expectClose, fixture, flat, take } from '../test/helpers';
import { perImageWhiten } from './per-image-whiten';

const F = fixture<{
  images: number[][][][];
  perImage: { epsilon: number; transformed: number[][][][] }[];
}>('zca.json');

describe('perImageWhiten against numpy per-image ZCA', () => {
  for (const c of F.perImage) {
    it(`matches with epsilon ${c.epsilon}`, () => {
      const x = tf.tensor4d(F.images);
      expectClose(take(perImageWhiten(x, { epsilon: c.epsilon })), flat(c.transformed));
      x.dispose();
    });
  }

  it('gives each image an identity channel covariance within 1e-3 (epsilon 0)', () => {
    const x = tf.tensor4d(F.images);
    const out = take(perImageWhiten(x, { epsilon: 0 }));
    for (let i = 0; i < 2; i++) {
      const c = covariance(out.subarray(i * 48, (i + 1) * 48), 16, 3);
      expectClose(c, [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-3);
    }
    x.dispose();
  });

  it('rejects bad input with typed errors and leaks nothing', async () => {
    const m = tf.ones([2, 3]);
    const one = tf.ones([2, 1, 1, 3]);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isTrainkitError(e) ? `${e.code} ${e.argument}` : String(e);
      }
    };
    expect(code(() => perImageWhiten(m))).toBe('SHAPE images');
    expect(code(() => perImageWhiten(one))).toBe('RANGE images pixels per image (H*W)');
    expect(code(() => perImageWhiten(m, { epsilon: -1 }))).toBe('SHAPE images');
    const x = tf.tensor4d(F.images);
    expect(code(() => perImageWhiten(x, { epsilon: -1 }))).toBe('RANGE epsilon');
    expect(code(() => perImageWhiten(x, { iterations: 0 }))).toBe('RANGE iterations');
    await expectNoLeaks(() => tf.dispose(perImageWhiten(x)));
    tf.dispose([m, one, x]);
  });
});

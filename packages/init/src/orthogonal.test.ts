import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { orthogonal } from './orthogonal';
import { initializerFromJSON } from './registry';

/** max |A - c I| for A = M^T M (cols) or M M^T (rows), M the kernel flattened to 2-D. */
function gramError(w: tf.Tensor, side: 'cols' | 'rows', c = 1): number {
  return tf.tidy(() => {
    const cols = w.shape[w.rank - 1]!;
    const m = tf.reshape(w, [-1, cols]);
    const g = side === 'cols' ? tf.matMul(m, m, true, false) : tf.matMul(m, m, false, true);
    const eye = tf.mul(tf.eye(g.shape[0]!), c);
    return tf.max(tf.abs(tf.sub(g, eye))).dataSync()[0]!;
  });
}

describe('orthogonal', () => {
  it('gives orthonormal columns for a tall matrix (Q^T Q = I)', () => {
    const w = orthogonal({ rng: 1 })([64, 32]);
    expect(gramError(w, 'cols')).toBeLessThan(1e-5);
    w.dispose();
  });
  it('gives orthonormal rows for a wide matrix (Q Q^T = I)', () => {
    const w = orthogonal({ rng: 1 })([20, 50]);
    expect(gramError(w, 'rows')).toBeLessThan(1e-5);
    w.dispose();
  });
  it('flattens conv kernels to [kh*kw*in, out]', () => {
    const w = orthogonal({ rng: 2 })([3, 3, 8, 16]);
    expect(w.shape).toEqual([3, 3, 8, 16]);
    expect(gramError(w, 'cols')).toBeLessThan(1e-5);
    w.dispose();
  });
  it('scales by gain (Q^T Q = gain^2 I)', () => {
    const w = orthogonal({ gain: 2, rng: 3 })([10, 10]);
    expect(gramError(w, 'cols', 4)).toBeLessThan(1e-5);
    expect(gramError(w, 'rows', 4)).toBeLessThan(1e-5);
    w.dispose();
  });
  it('is not the identity and depends on the seed', () => {
    const a = orthogonal({ rng: 4 })([6, 6]);
    const b = orthogonal({ rng: 5 })([6, 6]);
    const i = tf.eye(6);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, i))).dataSync()[0]!)).toBeGreaterThan(0.1);
    expect(a.dataSync()).not.toEqual(b.dataSync());
    tf.dispose([a, b, i]);
  });
  it('round-trips and replays', () => {
    const init = orthogonal({ gain: 1.5, rng: 6 });
    const again = initializerFromJSON(JSON.parse(JSON.stringify(init.toJSON())));
    const a = init([5, 4]);
    const b = again([5, 4]);
    expect(b.dataSync()).toEqual(a.dataSync());
    tf.dispose([a, b]);
  });
  it('rejects vectors and bad gains', () => {
    expect(() => orthogonal()([5])).toThrow(
      expect.objectContaining({ code: 'SHAPE', argument: 'shape' }),
    );
    expect(() => orthogonal({ gain: -1 })).toThrow(expect.objectContaining({ argument: 'gain' }));
  });
  it('leaks nothing', async () => {
    await expectNoLeaks(() => {
      orthogonal()([4, 3]).dispose();
    });
  });
});

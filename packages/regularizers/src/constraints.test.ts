import * as tf from '@tensorflow/tfjs-core';
import { fromJSON, isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { maxNorm } from './max-norm';
import { minMaxNorm } from './min-max-norm';
import { nonNeg } from './non-neg';
import { registerRegularizerKinds } from './registry';
import { unitNorm } from './unit-norm';

function errorOf(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    expect(isTrainkitError(e)).toBe(true);
    return e as { code: string; message: string };
  }
  throw new Error('no error thrown');
}

// Dense kernel [in=2, out=3]; column (unit) norms: |(3,4)| = 5, |(0.6,0.8)| = 1, |(0,0)| = 0.
const K = [
  [3, 0.6, 0],
  [4, 0.8, 0],
];

describe('maxNorm', () => {
  it('rescales each dense unit (column of [in, out]) with norm > c onto norm c, leaves others', () => {
    const w = tf.tensor2d(K);
    const out = maxNorm({ maxValue: 2 })(w, 'dense_1/kernel');
    const a = out.arraySync() as number[][];
    // Column 0: (3,4) * 2/5 = (1.2, 1.6); column 1 (norm 1) and the zero column unchanged.
    expect(a[0]![0]).toBeCloseTo(1.2, 5);
    expect(a[1]![0]).toBeCloseTo(1.6, 5);
    expect(a[0]![1]).toBeCloseTo(0.6, 5);
    expect(a[1]![1]).toBeCloseTo(0.8, 5);
    expect(a[0]![2]).toBe(0);
    tf.dispose([w, out]);
  });

  it('keeps every conv unit norm <= c after an update (norm over kh, kw, in)', () => {
    const w = tf.variable(tf.randomNormal([3, 3, 4, 5], 0, 3, 'float32', 7));
    const c = maxNorm({ maxValue: 1.5 });
    tf.tidy(() => w.assign(tf.add(w, tf.randomNormal(w.shape, 0, 1, 'float32', 8))));
    tf.tidy(() => w.assign(c(w, 'conv2d_1/kernel')));
    const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(w), [0, 1, 2])).arraySync() as number[]);
    expect(norms).toHaveLength(5);
    for (const n of norms) expect(n).toBeLessThanOrEqual(1.5 * (1 + 1e-5));
    // Every unit started far above 1.5 (36 entries of std 3), so each now sits on the ball.
    for (const n of norms) expect(n).toBeCloseTo(1.5, 4);
    w.dispose();
  });

  it('honours an explicit axis (rows of a [out, in] matrix) and negative axes', () => {
    const w = tf.tensor2d([
      [3, 4],
      [0.3, 0.4],
    ]);
    const out = maxNorm({ maxValue: 1, axis: -1 })(w, 'x');
    const a = out.arraySync() as number[][];
    expect(a[0]![0]).toBeCloseTo(0.6, 5);
    expect(a[0]![1]).toBeCloseTo(0.8, 5);
    expect(a[1]![0]).toBeCloseTo(0.3, 5);
    tf.dispose([w, out]);
  });

  it('rejects maxValue <= 0, NaN, bad axis and rank-1 weights without axis', () => {
    expect(errorOf(() => maxNorm({ maxValue: 0 }))).toMatchObject({ code: 'RANGE' });
    expect(errorOf(() => maxNorm({ maxValue: Number.NaN })).code).toBe('NAN');
    expect(errorOf(() => maxNorm({ axis: 0.5 })).message).toContain('axis');
    expect(errorOf(() => maxNorm({ axis: [] })).code).toBe('CONFIG');
    const w = tf.ones([2, 2]);
    expect(errorOf(() => maxNorm({ axis: 2 })(w, 'k'))).toMatchObject({ code: 'SHAPE' });
    const b = tf.ones([3]);
    expect(errorOf(() => maxNorm()(b, 'k')).code).toBe('SHAPE');
    tf.dispose([w, b]);
  });
});

describe('unitNorm, nonNeg, minMaxNorm', () => {
  it('unitNorm divides each unit by its norm', () => {
    const w = tf.tensor2d(K.map((r) => r.slice(0, 2)));
    const a = tf.tidy(() => unitNorm()(w, 'k').arraySync() as number[][]);
    expect(a[0]![0]).toBeCloseTo(0.6, 5);
    expect(a[1]![0]).toBeCloseTo(0.8, 5);
    expect(a[0]![1]).toBeCloseTo(0.6, 5);
    w.dispose();
  });

  it('nonNeg zeroes negative entries only', () => {
    const w = tf.tensor1d([-1, 0, 2.5, -0.1]);
    const a = tf.tidy(() => nonNeg()(w, 'k').arraySync());
    expect(a).toEqual([0, 0, 2.5, 0]);
    w.dispose();
  });

  it('minMaxNorm clips unit norms into [min, max], partially with rate < 1', () => {
    // Unit norms 5, 1, 0.1 -> clipped to [0.5, 2]: 2, 1, 0.5.
    const w = tf.tensor2d([
      [3, 0.6, 0.06],
      [4, 0.8, 0.08],
    ]);
    const norms = (t: tf.Tensor) =>
      tf.tidy(() => tf.norm(t, 'euclidean', 0).arraySync() as number[]);
    const strict = minMaxNorm({ minValue: 0.5, maxValue: 2 })(w, 'k');
    expect(norms(strict)).toEqual([
      expect.closeTo(2, 4),
      expect.closeTo(1, 4),
      expect.closeTo(0.5, 4),
    ]);
    const half = minMaxNorm({ minValue: 0.5, maxValue: 2, rate: 0.5 })(w, 'k');
    // 0.5 * 2 + 0.5 * 5 = 3.5; 1; 0.5 * 0.5 + 0.5 * 0.1 = 0.3.
    expect(norms(half)).toEqual([
      expect.closeTo(3.5, 4),
      expect.closeTo(1, 4),
      expect.closeTo(0.3, 4),
    ]);
    tf.dispose([w, strict, half]);
  });

  it('minMaxNorm rejects max < min and rate outside (0, 1]', () => {
    expect(errorOf(() => minMaxNorm({ minValue: 2, maxValue: 1 }))).toMatchObject({
      code: 'RANGE',
      message: expect.stringContaining('maxValue'),
    });
    expect(errorOf(() => minMaxNorm({ rate: 0 })).message).toContain('rate');
    expect(errorOf(() => minMaxNorm({ rate: 1.5 })).code).toBe('RANGE');
  });
});

describe('constraints: serialization, patterns, leaks', () => {
  it('default appliesTo matches kernels but not biases or BN params', async () => {
    const { matchesName } = await import('@trainkit/core');
    const c = maxNorm();
    for (const n of ['dense_1/kernel', 'conv2d_4/kernel', 'sep/depthwise_kernel', 'emb/embeddings'])
      expect(matchesName(c.appliesTo, n)).toBe(true);
    for (const n of ['dense_1/bias', 'batch_normalization_1/gamma', 'bn/beta', 'bn/moving_mean'])
      expect(matchesName(c.appliesTo, n)).toBe(false);
  });

  it('round-trips through JSON', () => {
    registerRegularizerKinds();
    const w = tf.tensor2d(K);
    for (const c of [
      maxNorm({ maxValue: 3, axis: [0] }),
      maxNorm(),
      unitNorm({ appliesTo: '**' }),
      nonNeg({ appliesTo: /kernel/ }),
      minMaxNorm({ minValue: 0.1, maxValue: 2, rate: 0.5 }),
    ]) {
      const again = fromJSON<typeof c>(JSON.parse(JSON.stringify(c.toJSON())));
      expect(again.toJSON()).toEqual(c.toJSON());
      const [a, b] = [c(w, 'k'), again(w, 'k')];
      expect(b.arraySync()).toEqual(a.arraySync());
      tf.dispose([a, b]);
    }
    w.dispose();
  });

  it('leaks no tensors', async () => {
    const w = tf.tensor2d(K);
    for (const c of [maxNorm(), unitNorm(), nonNeg(), minMaxNorm()]) {
      await expectNoLeaks(() => c(w, 'k').dispose(), c.kind);
    }
    w.dispose();
  });
});

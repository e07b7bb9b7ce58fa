import * as tf from '@tensorflow/tfjs-core';
import { fromJSON, isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { covariance, expectClose, fixture, flat, take } from '../test/helpers';
import { registerPreprocessKinds } from './registry';
import { Whiten } from './whiten';

// Registration is explicit: the core fromJSON below needs it.
beforeAll(() => registerPreprocessKinds());

interface Zca {
  x: number[][];
  mean: number[];
  cases: Record<string, { epsilon: number; matrix: number[][]; transformed: number[][] }>;
}
const F = fixture<Zca>('zca.json');
const N = 100;
const P = 6;

function identityError(c: Float64Array, p: number): number {
  let worst = 0;
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++)
      worst = Math.max(worst, Math.abs(c[i * p + j]! - (i === j ? 1 : 0)));
  return worst;
}

describe('Whiten (ZCA) against numpy', () => {
  for (const eps of ['0.0', '0.1']) {
    it(`matches the ZCA matrix and output with epsilon ${eps}`, () => {
      const c = F.cases[eps]!;
      const x = tf.tensor2d(F.x);
      const w = new Whiten({ method: 'zca', epsilon: c.epsilon }).fit(x);
      expectClose(w.mean, F.mean);
      expectClose(w.matrix, flat(c.matrix));
      expectClose(take(w.transform(x)), flat(c.transformed));
      x.dispose();
    });
  }

  it('ZCA output has identity covariance within 1e-3 (epsilon 0)', () => {
    const x = tf.tensor2d(F.x);
    const out = take(new Whiten({ epsilon: 0 }).fit(x).transform(x));
    expect(identityError(covariance(out, N, P), P)).toBeLessThan(1e-3);
    x.dispose();
  });

  it('PCA-whitening also gives identity covariance, and both invert', () => {
    const x = tf.tensor2d(F.x);
    for (const method of ['pca', 'zca'] as const) {
      const w = new Whiten({ method, epsilon: 0 }).fit(x);
      const z = w.transform(x);
      expect(identityError(covariance(z.dataSync(), N, P), P)).toBeLessThan(1e-3);
      expectClose(take(w.inverseTransform(z)), flat(F.x), 1e-4);
      z.dispose();
    }
    x.dispose();
  });

  it('epsilon shrinks the gain of low-variance directions (covariance below identity)', () => {
    const x = tf.tensor2d(F.x);
    const out = take(new Whiten({ epsilon: 1 }).fit(x).transform(x));
    const c = covariance(out, N, P);
    for (let i = 0; i < P; i++) expect(c[i * P + i]).toBeLessThan(0.95);
    x.dispose();
  });

  it('streams: partialFit over batches equals fit', () => {
    const x = tf.tensor2d(F.x);
    const one = new Whiten({ epsilon: 0 }).fit(x);
    const st = new Whiten({ epsilon: 0 });
    for (const a of [0, 40, 70]) {
      const b = tf.slice(x, [a, 0], [a === 70 ? 30 : a === 40 ? 30 : 40, P]);
      st.partialFit(b);
      b.dispose();
    }
    expect(st.nSamples).toBe(N);
    expectClose(st.matrix, one.matrix, 1e-4);
    x.dispose();
  });
});

describe('Whiten errors, memory, serialization', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return isTrainkitError(e) ? `${e.code} ${e.argument}` : `untyped ${String(e)}`;
    }
    return undefined;
  };

  it('singular covariance with epsilon 0 -> RANGE naming epsilon; bad options and input', () => {
    const singular = tf.tensor2d([
      [1, 2, 3],
      [2, 4, 6],
      [0, 1, 0],
    ]); // 3 points: rank 2 < 3
    expect(code(() => new Whiten({ epsilon: 0 }).fit(singular))).toBe('RANGE epsilon');
    expect(code(() => new Whiten({ epsilon: 0.1 }).fit(singular))).toBeUndefined();
    expect(code(() => new Whiten({ epsilon: -1 }))).toBe('RANGE epsilon');
    expect(code(() => new Whiten({ method: 'pcaa' as never }))).toBe('CONFIG method');
    expect(code(() => new Whiten().transform(singular))).toBe('STATE transform');
    const nan = tf.tensor2d([
      [Number.NaN, 1],
      [1, 2],
    ]);
    expect(code(() => new Whiten().fit(nan))).toBe('NAN x');
    const one = tf.ones([1, 3]);
    expect(code(() => new Whiten().fit(one))).toBe('RANGE x');
    tf.dispose([singular, nan, one]);
  });

  it('leaks nothing', async () => {
    const x = tf.tensor2d(F.x);
    await expectNoLeaks(() => {
      const w = new Whiten({ method: 'pca' }).fit(x);
      const z = w.transform(x);
      tf.dispose([z, w.inverseTransform(z)]);
    });
    x.dispose();
  });

  it('round-trips through JSON', () => {
    const x = tf.tensor2d(F.x);
    const w = new Whiten({ method: 'pca', epsilon: 0.01 }).fit(x);
    const json = JSON.parse(JSON.stringify(w.toJSON()));
    const r = fromJSON<Whiten>(json);
    expect(r.toJSON()).toEqual(json);
    expect(r.method).toBe('pca');
    expect(r.epsilon).toBe(0.01);
    expectClose(take(r.transform(x)), take(w.transform(x)), 1e-6);
    expect(fromJSON<Whiten>(new Whiten().toJSON()).fitted).toBe(false);
    x.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { isTrainkitError, Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { dropout, spatialDropout } from './dropout';

describe('dropout', () => {
  it('keeps a fraction 1 - p of units, scales kept ones by 1/(1-p), preserves the mean', () => {
    const n = 20000;
    const x = tf.fill([n], 2);
    const y = dropout(x, { rate: 0.3, rng: new Rng(1) });
    const v = y.dataSync();
    let kept = 0;
    let sum = 0;
    for (const a of v) {
      if (a !== 0) {
        kept++;
        expect(a).toBeCloseTo(2 / 0.7, 5);
      }
      sum += a;
    }
    // Binomial(20000, 0.7): sd of the kept fraction = sqrt(0.21 / 20000) ~ 0.0032; 5 sd margin.
    expect(Math.abs(kept / n - 0.7)).toBeLessThan(0.017);
    // E[y] = x = 2; sd of the mean = 2/0.7 * 0.0032 ~ 0.0093.
    expect(Math.abs(sum / n - 2)).toBeLessThan(0.05);
    tf.dispose([x, y]);
  });

  it('is the identity at inference and at rate 0', () => {
    const x = tf.tensor1d([1, -2, 3]);
    for (const opts of [{ rate: 0.5, training: false }, { rate: 0 }]) {
      const y = dropout(x, { ...opts, rng: 3 });
      expect([...y.dataSync()]).toEqual([1, -2, 3]);
      y.dispose();
    }
    x.dispose();
  });

  it('same seed, same mask; an Rng draws a fresh mask per call', () => {
    const x = tf.ones([64]);
    const a = dropout(x, { rate: 0.5, rng: new Rng(7) });
    const b = dropout(x, { rate: 0.5, rng: new Rng(7) });
    expect([...a.dataSync()]).toEqual([...b.dataSync()]);
    const rng = new Rng(7);
    const c = dropout(x, { rate: 0.5, rng });
    const d = dropout(x, { rate: 0.5, rng });
    expect([...c.dataSync()]).toEqual([...a.dataSync()]);
    expect([...d.dataSync()]).not.toEqual([...c.dataSync()]);
    tf.dispose([x, a, b, c, d]);
  });

  it('spatialDropout zeroes whole channels of NHWC maps, per example', () => {
    const x = tf.ones([8, 4, 4, 6]);
    const y = spatialDropout(x, { rate: 0.5, rng: new Rng(2) });
    const v = y.arraySync() as number[][][][];
    let dropped = 0;
    for (let n = 0; n < 8; n++)
      for (let c = 0; c < 6; c++) {
        const vals = new Set<number>();
        for (let h = 0; h < 4; h++) for (let w = 0; w < 4; w++) vals.add(v[n]![h]![w]![c]!);
        expect(vals.size).toBe(1); // one draw for the whole map
        const [only] = [...vals];
        expect([0, 2]).toContain(only);
        if (only === 0) dropped++;
      }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(48);
    tf.dispose([x, y]);
  });

  it('rejects rate outside [0, 1), NaN, bad rng, noiseShape and rank with typed errors', () => {
    const x = tf.ones([2, 3]);
    const cases: Array<[() => unknown, string, string]> = [
      [() => dropout(x, { rate: -0.1, rng: 0 }), 'RANGE', 'rate'],
      [() => dropout(x, { rate: 1, rng: 0 }), 'RANGE', 'rate'],
      [() => dropout(x, { rate: Number.NaN, rng: 0 }), 'NAN', 'rate'],
      [() => dropout(x, { rate: 0.5, rng: 'a' as unknown as number }), 'CONFIG', 'rng'],
      [() => dropout(x, { rate: 0.5, rng: 0, noiseShape: [2, 2] }), 'CONFIG', 'noiseShape'],
      [() => spatialDropout(x, { rate: 0.5, rng: 0 }), 'SHAPE', 'x'],
    ];
    for (const [f, code, arg] of cases) {
      try {
        f();
        throw new Error('no error');
      } catch (e) {
        expect(isTrainkitError(e, code as 'RANGE')).toBe(true);
        expect((e as Error).message).toContain(arg);
      }
    }
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const x = tf.ones([2, 3, 3, 2]);
    const rng = new Rng(0);
    await expectNoLeaks(() => dropout(x, { rate: 0.5, rng }).dispose());
    await expectNoLeaks(() => dropout(x, { rate: 0.5, rng, training: false }).dispose());
    await expectNoLeaks(() => spatialDropout(x, { rate: 0.5, rng }).dispose());
    x.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import { isTrainkitError } from './errors';
import { Rng, toRng } from './rng';

// Chi-square upper critical values at p = 0.001 (from standard tables).
const CHI2_999 = { 9: 27.877, 19: 43.82 } as const;

function chiSquare(counts: number[], expected: number): number {
  return counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
}

describe('Rng (xoshiro128**)', () => {
  it('matches the reference xoshiro128** output for state [1, 2, 3, 4]', () => {
    // Reference: Blackman & Vigna's xoshiro128starstar.c, re-computed independently in Python.
    const rng = Rng.fromState({
      kind: 'trainkit.Rng',
      version: 1,
      algorithm: 'xoshiro128**',
      s: [1, 2, 3, 4],
    });
    const out = Array.from({ length: 6 }, () => rng.nextUint32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('repeats the same stream for the same seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const sa = Array.from({ length: 50 }, () => a.nextUint32());
    expect(Array.from({ length: 50 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('resumes exactly from a saved state, including the cached normal deviate', () => {
    const a = new Rng(3);
    a.normal();
    const saved = JSON.parse(JSON.stringify(a.getState()));
    const next = [a.normal(), a.uniform(), a.int(0, 100)];
    const b = Rng.fromState(saved);
    expect([b.normal(), b.uniform(), b.int(0, 100)]).toEqual(next);
  });

  it('draws uniform values in [0, 1) that pass a chi-square test on 10 buckets', () => {
    const rng = new Rng(11);
    const n = 100_000;
    const counts = new Array(10).fill(0);
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      counts[Math.floor(u * 10)]++;
    }
    expect(chiSquare(counts, n / 10)).toBeLessThan(CHI2_999[9]);
  });

  it('draws normal deviates with mean 0, std 1, skew 0 and kurtosis 3 (within sampling error)', () => {
    const rng = new Rng(5);
    const n = 200_000;
    const xs = rng.normalArray(n);
    let m = 0;
    for (const x of xs) m += x;
    m /= n;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const x of xs) {
      const d = x - m;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    // Standard errors: mean 1/sqrt(n) = 0.0022, skew sqrt(6/n) = 0.0055, kurtosis sqrt(24/n) = 0.011.
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(m2) - 1)).toBeLessThan(0.01);
    expect(Math.abs(m3 / m2 ** 1.5)).toBeLessThan(0.03);
    expect(Math.abs(m4 / m2 ** 2 - 3)).toBeLessThan(0.06);
    const scaled = new Rng(5).normal(10, 2);
    expect(scaled).toBeCloseTo(10 + 2 * new Rng(5).normal(), 12);
  });

  it('draws unbiased integers (chi-square on 20 values) within [low, high)', () => {
    const rng = new Rng(9);
    const counts = new Array(20).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const k = rng.int(-5, 15);
      expect(k >= -5 && k < 15 && Number.isInteger(k)).toBe(true);
      counts[k + 5]++;
    }
    expect(chiSquare(counts, n / 20)).toBeLessThan(CHI2_999[19]);
  });

  it('shuffles into a permutation with every element equally likely at each position', () => {
    const rng = new Rng(1);
    const pos0 = new Array(10).fill(0);
    for (let t = 0; t < 20_000; t++) {
      const p = rng.permutation(10);
      expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      pos0[p[0]!]++;
    }
    expect(chiSquare(pos0, 2_000)).toBeLessThan(CHI2_999[9]);
    const arr = ['a', 'b', 'c'];
    expect(rng.shuffle(arr)).toBe(arr);
  });

  it('splits into children whose streams are uncorrelated with the parent and each other', () => {
    const parent = new Rng(42);
    const c1 = parent.split();
    const c2 = parent.split();
    const n = 20_000;
    const a = c1.uniformArray(n);
    const b = c2.uniformArray(n);
    const p = parent.uniformArray(n);
    const corr = (x: Float32Array, y: Float32Array) => {
      let sx = 0;
      let sy = 0;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < n; i++) {
        sx += x[i]!;
        sy += y[i]!;
        sxy += x[i]! * y[i]!;
        sxx += x[i]! ** 2;
        syy += y[i]! ** 2;
      }
      const cov = sxy / n - (sx / n) * (sy / n);
      return cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
    };
    // |r| of independent samples has std 1/sqrt(n) = 0.007.
    expect(Math.abs(corr(a, b))).toBeLessThan(0.035);
    expect(Math.abs(corr(a, p))).toBeLessThan(0.035);
    // Splitting is deterministic.
    const again = new Rng(42);
    expect(again.split().uniformArray(5)).toEqual(a.slice(0, 5));
  });

  it('gives 31-bit seeds and uniform values in a given range', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 100; i++) {
      const s = rng.seed();
      expect(s >= 0 && s < 2 ** 31).toBe(true);
      const u = rng.uniform(-3, -1);
      expect(u >= -3 && u < -1).toBe(true);
    }
  });

  it('rejects bad seeds and bounds with typed errors', () => {
    const cases: [() => unknown, string][] = [
      [() => new Rng(-1), 'RANGE'],
      [() => new Rng(1.5), 'RANGE'],
      [() => new Rng(Number.NaN), 'NAN'],
      [() => new Rng('1' as unknown as number), 'CONFIG'],
      [() => new Rng(1).uniform(2, 1), 'RANGE'],
      [() => new Rng(1).normal(0, -1), 'RANGE'],
      [() => new Rng(1).int(3, 3), 'RANGE'],
      [() => Rng.fromState({ kind: 'x' } as never), 'CONFIG'],
    ];
    for (const [fn, code] of cases) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(isTrainkitError(err, code as never), String(err)).toBe(true);
    }
  });

  it('toRng passes an Rng through and seeds a new one otherwise', () => {
    const r = new Rng(1);
    expect(toRng(r)).toBe(r);
    expect(toRng(4).nextUint32()).toBe(new Rng(4).nextUint32());
    expect(toRng(undefined, 9).nextUint32()).toBe(new Rng(9).nextUint32());
  });
});

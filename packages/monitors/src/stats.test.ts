import { describe, expect, it } from 'vitest';
import { ema, histogram, linearFit, median, summarize } from './stats';

describe('stats', () => {
  it('bins values into equal-width bins, the last one closed', () => {
    const h = histogram([0, 0.1, 0.5, 0.99, 1, 2], 2, [0, 2]);
    expect(h.edges).toEqual([0, 1, 2]);
    expect(h.counts).toEqual([4, 2]);
    expect(histogram([5, 5, 5], 3).counts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('summarizes mean, population std, extremes and zero fraction', () => {
    const s = summarize([0, 0, 2, 4, 4], 2);
    expect(s.mean).toBeCloseTo(2, 12);
    expect(s.std).toBeCloseTo(Math.sqrt((4 + 4 + 0 + 4 + 4) / 5), 12);
    expect([s.min, s.max, s.zeroFraction]).toEqual([0, 4, 0.4]);
    expect(s.histogram!.counts).toEqual([2, 3]);
  });

  it('smooths with a bias-corrected EMA (the first value is kept exactly)', () => {
    const out = ema([1, 3], 0.5);
    expect(out[0]).toBeCloseTo(1, 12);
    // m1 = 0.5, m2 = 0.25 + 1.5 = 1.75; corrected by 1 - 0.25 -> 7/3
    expect(out[1]).toBeCloseTo(7 / 3, 12);
  });

  it('fits a line exactly and gives its R^2; takes medians', () => {
    const f = linearFit([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.intercept).toBeCloseTo(1, 12);
    expect(f.r2).toBeCloseTo(1, 12);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

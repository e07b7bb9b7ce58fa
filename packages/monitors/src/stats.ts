import type { Histogram, Summary } from './records';

/** Histogram of `values` over `bins` equal-width bins spanning [min, max]. */
export function histogram(
  values: ArrayLike<number>,
  bins = 30,
  range?: [number, number],
): Histogram {
  let lo = range?.[0] ?? Number.POSITIVE_INFINITY;
  let hi = range?.[1] ?? Number.NEGATIVE_INFINITY;
  if (!range) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { edges: [0, 0], counts: [0] };
  if (hi === lo) {
    hi = lo + 1e-12;
  }
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= lo && v <= hi)) continue;
    const b = Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[b]!++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  return { edges, counts };
}

/** Mean, std (population), min, max, zero fraction and optional histogram of `values`. */
export function summarize(values: ArrayLike<number>, bins?: number): Summary {
  const n = values.length;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  const mean = n ? sum / n : 0;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const s: Summary = {
    mean,
    std: n ? Math.sqrt(ss / n) : 0,
    min: n ? min : 0,
    max: n ? max : 0,
    zeroFraction: n ? zeros / n : 0,
  };
  if (bins) s.histogram = histogram(values, bins);
  return s;
}

/**
 * Exponential moving average with bias correction (as TensorBoard's smoothing and Adam's
 * first moment): `m_t = a m_{t-1} + (1 - a) x_t`, reported as `m_t / (1 - a^t)`.
 */
export function ema(values: readonly number[], alpha = 0.9): number[] {
  const out: number[] = [];
  let m = 0;
  let t = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(v);
      continue;
    }
    t++;
    m = alpha * m + (1 - alpha) * v;
    out.push(m / (1 - alpha ** t));
  }
  return out;
}

/** Least-squares slope and R^2 of y against x. */
export function linearFit(
  x: readonly number[],
  y: readonly number[],
): { slope: number; intercept: number; r2: number } {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const r2 = sxx === 0 || syy === 0 ? 0 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: my - slope * mx, r2 };
}

/** Median of a list (NaN for an empty list). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

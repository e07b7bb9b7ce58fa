// The study plots as PNG (same layout as the SVGs in plots.ts), rasterised here so they work in
// Node and in the browser without a canvas.
import { Canvas, encodePng, type Rgb, viridis } from '@trainkit/plot';
import { toInternal } from './distributions';
import { paramImportances } from './importance';
import type { FrozenTrial } from './trial';

export interface PngPlotOptions {
  /** Image size in pixels. Default 560 x 320. */
  width?: number;
  height?: number;
  /** A zlib-format compressor to use instead of the built-in one (e.g. node:zlib `deflateSync`). */
  deflate?: (raw: Uint8Array) => Uint8Array;
}

/**
 * Plot area of a `width` x `height` PNG: x from 56 to width - 16, y from 28 to height - 36.
 * Values map linearly: the smallest objective to the bottom edge, the largest to the top;
 * trial numbers / parameter values to [left + 6, right - 6].
 */
export const PNG_MARGIN = { left: 56, right: 16, top: 28, bottom: 36 } as const;

export const PNG_COLOURS = {
  trial: [31, 119, 180],
  best: [214, 39, 40],
  slice: [44, 160, 44],
  bar: [31, 119, 180],
  frame: [153, 153, 153],
  grid: [230, 230, 230],
  text: [34, 34, 34],
  axis: [85, 85, 85],
} as const satisfies Record<string, Rgb>;

// Tick labels: at most 6 characters, so they fit the 56-pixel margin.
const fmt = (v: number) =>
  v === 0 || (Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4)
    ? Number(v.toPrecision(3)).toString()
    : v.toExponential(0).replace('e', 'E');
const scale = (lo: number, hi: number, a: number, b: number) => (v: number) =>
  a + ((v - lo) / (hi - lo || 1)) * (b - a);
const complete = (trials: FrozenTrial[]) =>
  trials.filter((t) => t.state === 'complete' && Number.isFinite(t.values?.[0]));

function frame(title: string, options: PngPlotOptions, yValues?: number[]) {
  const W = options.width ?? 560;
  const H = options.height ?? 320;
  const c = new Canvas(W, H, { channels: 3 });
  const L = PNG_MARGIN.left;
  const R = W - PNG_MARGIN.right;
  const T = PNG_MARGIN.top;
  const B = H - PNG_MARGIN.bottom;
  let y = scale(0, 1, B, T);
  if (yValues?.length) {
    const lo = Math.min(...yValues);
    const hi = Math.max(...yValues);
    y = scale(lo, hi, B, T);
    for (const f of [0, 0.25, 0.5, 0.75, 1]) {
      const v = lo + f * (hi - lo);
      c.line(L + 1, y(v), R - 1, y(v), PNG_COLOURS.grid);
      c.text(L - 4, Math.round(y(v)) - 5, fmt(v), PNG_COLOURS.text, { align: 'right' });
    }
  }
  c.line(L, T, R, T, PNG_COLOURS.frame);
  c.line(L, B, R, B, PNG_COLOURS.frame);
  c.line(L, T, L, B, PNG_COLOURS.frame);
  c.line(R, T, R, B, PNG_COLOURS.frame);
  c.text(W / 2, 8, title, PNG_COLOURS.text, { align: 'center' });
  return { c, L, R, T, B, W, H, y };
}

/** Objective of each complete trial by number (dots) and the best-so-far line (PNG bytes). */
export function optimizationHistoryPng(
  trials: FrozenTrial[],
  direction: 'minimize' | 'maximize' = 'minimize',
  options: PngPlotOptions = {},
): Uint8Array {
  const done = complete(trials).sort((a, b) => a.number - b.number);
  const vals = done.map((t) => t.values![0]!);
  const { c, L, R, H, W, y } = frame('Optimization history', options, vals);
  if (done.length) {
    const x = scale(0, Math.max(...done.map((t) => t.number)), L + 6, R - 6);
    for (const [i, t] of done.entries()) c.disc(x(t.number), y(vals[i]!), 3, PNG_COLOURS.trial);
    let best = vals[0]!;
    let prev: [number, number] | undefined;
    for (const [i, t] of done.entries()) {
      best = direction === 'minimize' ? Math.min(best, vals[i]!) : Math.max(best, vals[i]!);
      const p: [number, number] = [x(t.number), y(best)];
      if (prev) c.line(prev[0], prev[1], p[0], p[1], PNG_COLOURS.best, 2);
      prev = p;
    }
    if (done.length === 1) c.line(prev![0], prev![1], prev![0], prev![1], PNG_COLOURS.best, 2);
  }
  c.text(W / 2, H - 14, 'trial', PNG_COLOURS.text, { align: 'center' });
  return encodePng(c, options);
}

/** One line per complete trial across the parameters' axes, dark = better (PNG bytes). */
export function parallelCoordinatesPng(
  trials: FrozenTrial[],
  direction: 'minimize' | 'maximize' = 'minimize',
  options: PngPlotOptions = {},
): Uint8Array {
  const done = complete(trials);
  const names = [...new Set(done.flatMap((t) => Object.keys(t.params)))];
  const { c, L, R, T, B } = frame('Parallel coordinates (dark = better)', options);
  if (done.length && names.length) {
    const vals = done.map((t) => t.values![0]!);
    const lo = Math.min(...vals);
    const hi = Math.max(...vals);
    const axes = [...names, 'objective'];
    const ax = scale(0, axes.length - 1, L + 10, R - 10);
    const ranges = names.map((n) => {
      const xs = done
        .filter((t) => n in t.params)
        .map((t) => toInternal(t.distributions[n]!, t.params[n]!));
      return [Math.min(...xs), Math.max(...xs)] as const;
    });
    for (const [j, n] of axes.entries()) {
      c.line(ax(j), T, ax(j), B, PNG_COLOURS.axis);
      c.text(ax(j), B + 6, n.slice(0, 12), PNG_COLOURS.text, { align: 'center' });
    }
    const quality = (v: number) => {
      const q = (v - lo) / (hi - lo || 1);
      return direction === 'minimize' ? q : 1 - q;
    };
    // worst first, so the best trials are drawn on top
    const order = [...done].sort((a, b) => quality(b.values![0]!) - quality(a.values![0]!));
    for (const t of order) {
      const pts: [number, number][] = [];
      for (const [j, n] of names.entries()) {
        if (!(n in t.params)) continue;
        const [a, b] = ranges[j]!;
        pts.push([ax(j), scale(a, b, B, T)(toInternal(t.distributions[n]!, t.params[n]!))]);
      }
      pts.push([ax(names.length), scale(lo, hi, B, T)(t.values![0]!)]);
      const col = viridis(quality(t.values![0]!));
      for (let k = 1; k < pts.length; k++)
        c.line(pts[k - 1]![0], pts[k - 1]![1], pts[k]![0], pts[k]![1], col);
    }
  }
  return encodePng(c, options);
}

/** Objective against each parameter (internal scale: log for log ranges, index for choices), one PNG per parameter. */
export function slicePngs(
  trials: FrozenTrial[],
  options: PngPlotOptions = {},
): Record<string, Uint8Array> {
  const done = complete(trials);
  const names = [...new Set(done.flatMap((t) => Object.keys(t.params)))];
  const out: Record<string, Uint8Array> = {};
  for (const n of names) {
    const have = done.filter((t) => n in t.params);
    const d = have[0]!.distributions[n]!;
    const xs = have.map((t) => toInternal(d, t.params[n]!));
    const { c, L, R, W, H, y } = frame(
      `Slice: ${n}`,
      options,
      have.map((t) => t.values![0]!),
    );
    const x = scale(Math.min(...xs), Math.max(...xs), L + 6, R - 6);
    for (const [i, t] of have.entries()) c.disc(x(xs[i]!), y(t.values![0]!), 3, PNG_COLOURS.slice);
    const axis = d.type === 'categorical' ? `${n} (choice index)` : d.log ? `${n} (log scale)` : n;
    c.text(W / 2, H - 14, axis, PNG_COLOURS.text, { align: 'center' });
    out[n] = encodePng(c, options);
  }
  return out;
}

/**
 * Parameter importances (see `paramImportances`) as horizontal bars, largest first: row k of
 * the plot area holds bar k, from x = left + 100 with length importance * (right - left - 150).
 */
export function importancePng(trials: FrozenTrial[], options: PngPlotOptions = {}): Uint8Array {
  const { c, L, R, T, B } = frame('Parameter importance', options);
  let imp: Record<string, number> = {};
  try {
    imp = paramImportances(trials);
  } catch {
    c.text((L + R) / 2, (T + B) / 2, 'too few complete trials', PNG_COLOURS.text, {
      align: 'center',
    });
    return encodePng(c, options);
  }
  const entries = Object.entries(imp).sort((a, b) => b[1] - a[1]);
  const rowH = (B - T) / Math.max(1, entries.length);
  const x0 = L + 100;
  const full = R - L - 150;
  for (const [k, [name, v]] of entries.entries()) {
    const yc = T + rowH * (k + 0.5);
    const half = Math.max(2, Math.min(10, rowH / 2 - 3));
    c.text(x0 - 6, Math.round(yc) - 5, name.slice(0, 12), PNG_COLOURS.text, { align: 'right' });
    if (v > 0) c.fillRect(x0, yc - half, x0 + v * full, yc + half, PNG_COLOURS.bar);
    c.text(x0 + v * full + 6, Math.round(yc) - 5, `${(v * 100).toFixed(1)}%`, PNG_COLOURS.text);
  }
  return encodePng(c, options);
}

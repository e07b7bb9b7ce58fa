import { Canvas } from './canvas';
import { type Rgb, TAB10 } from './colormaps';

/** One line of a {@link linePlot}. */
export interface Series {
  name: string;
  points: [number, number][];
  /** Line colour. Default the series' place in {@link TAB10}. */
  color?: Rgb | [number, number, number];
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions {
  /** Image size in pixels. Default 640 x 360. */
  width?: number;
  height?: number;
  /** Log-scale y (non-positive values break the line). Default false. */
  logY?: boolean;
}

const GRID: Rgb = [200, 200, 200];
const MARGIN = 20;

/**
 * Rasterises line series into an RGBA {@link Canvas}: grid at the quarter marks of a 20-pixel
 * inset box, one 1-pixel line per series through all series' common x/y range (optionally
 * log-scale y). Non-finite points break the line; a lone point is one pixel.
 * @example encodePng(linePlot([{ name: 'loss', points: [[0, 2.3], [100, 0.4]] }]))
 */
export function linePlot(series: Series[], options: LinePlotOptions = {}): Canvas {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const c = new Canvas(width, height);
  const m = MARGIN;
  const ty = (v: number) => (options.logY ? Math.log10(v) : v);
  for (let k = 0; k <= 4; k++) {
    const gx = Math.round(m + ((width - 2 * m) * k) / 4);
    const gy = Math.round(m + ((height - 2 * m) * k) / 4);
    c.line(gx, m, gx, height - m, GRID);
    c.line(m, gy, width - m, gy, GRID);
  }
  const pts = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(ty(y)));
  if (pts.length === 0) return c;
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const [x, y] of pts) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, ty(y));
    y1 = Math.max(y1, ty(y));
  }
  const px = (x: number) => Math.round(m + ((x - x0) / (x1 - x0 || 1)) * (width - 2 * m));
  const py = (y: number) =>
    Math.round(height - m - ((ty(y) - y0) / (y1 - y0 || 1)) * (height - 2 * m));
  series.forEach((s, i) => {
    const col = s.color ?? TAB10[i % TAB10.length]!;
    let prev: [number, number] | undefined;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(ty(y))) {
        prev = undefined;
        continue;
      }
      const cur: [number, number] = [px(x), py(y)];
      if (prev) c.line(prev[0], prev[1], cur[0], cur[1], col);
      else c.set(cur[0], cur[1], col);
      prev = cur;
    }
  });
  return c;
}

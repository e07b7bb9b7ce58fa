import { type Deflate, encodePng, type RgbaImage } from './png';
import type { RunLog } from './records';
import { ema } from './stats';

export interface Series {
  name: string;
  points: [number, number][];
  color?: [number, number, number];
}

const PALETTE: [number, number, number][] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
];

/**
 * Rasterises line series into an RGBA image (axes box, grid at quarter marks, one line per
 * series; optional log-scale y). Non-finite points break the line. Meant for terminals and CI
 * artifacts; the HTML report is the interactive view.
 */
export function linePlot(
  series: Series[],
  options: { width?: number; height?: number; logY?: boolean } = {},
): RgbaImage {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const data = new Uint8Array(width * height * 4).fill(255);
  const m = 20;
  const ty = (v: number) => (options.logY ? Math.log10(v) : v);
  const pts = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(ty(y)));
  const set = (x: number, y: number, c: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const p = (y * width + x) * 4;
    data[p] = c[0];
    data[p + 1] = c[1];
    data[p + 2] = c[2];
    data[p + 3] = 255;
  };
  const line = (x0: number, y0: number, x1: number, y1: number, c: [number, number, number]) => {
    // Bresenham
    let dx = Math.abs(x1 - x0);
    let dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      set(x0, y0, c);
      if (x0 === x1 && y0 === y1) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
    dx = 0;
    dy = 0;
  };
  const grey: [number, number, number] = [200, 200, 200];
  for (let k = 0; k <= 4; k++) {
    const gx = Math.round(m + ((width - 2 * m) * k) / 4);
    const gy = Math.round(m + ((height - 2 * m) * k) / 4);
    line(gx, m, gx, height - m, grey);
    line(m, gy, width - m, gy, grey);
  }
  if (pts.length === 0) return { width, height, data };
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => ty(p[1]));
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(...ys);
  const y1 = Math.max(...ys);
  const px = (x: number) => Math.round(m + ((x - x0) / (x1 - x0 || 1)) * (width - 2 * m));
  const py = (y: number) =>
    Math.round(height - m - ((ty(y) - y0) / (y1 - y0 || 1)) * (height - 2 * m));
  series.forEach((s, i) => {
    const c = s.color ?? PALETTE[i % PALETTE.length]!;
    let prev: [number, number] | undefined;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(ty(y))) {
        prev = undefined;
        continue;
      }
      const cur: [number, number] = [px(x), py(y)];
      if (prev) line(prev[0], prev[1], cur[0], cur[1], c);
      else set(cur[0], cur[1], c);
      prev = cur;
    }
  });
  return { width, height, data };
}

/** The loss curve (raw in light blue, smoothed in dark) as PNG bytes. */
export function lossCurvePng(run: RunLog, deflate?: Deflate): Uint8Array {
  const steps = run.steps;
  const smooth = ema(steps.map((s) => s.loss));
  return encodePng(
    linePlot([
      { name: 'loss', points: steps.map((s) => [s.step, s.loss]), color: [160, 190, 230] },
      { name: 'smoothed', points: steps.map((s, i) => [s.step, smooth[i]!]), color: [20, 60, 140] },
    ]),
    deflate,
  );
}

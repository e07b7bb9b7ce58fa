// The raster every trainkit image is drawn on: rectangles, lines, discs, 3x5 text and heat maps.
import { assertPositiveInt, ShapeError } from '@trainkit/core';
import { type Colormap, grey, type Rgb } from './colormaps';
import { GLYPHS, textWidth } from './font';
import { assertChannels, type PngImage } from './png';

/** Options of a {@link Canvas}. */
export interface CanvasOptions {
  /** Bytes a pixel: 4 = RGBA (default, alpha 255 everywhere), 3 = RGB. */
  channels?: 3 | 4;
  /** Fill colour. Default white. */
  background?: Rgb;
}

/** Options of {@link Canvas.heatmap}. */
export interface HeatmapOptions {
  /** Pixels a cell, in both directions. Default 1. */
  scale?: number;
  /** Colour map. Default {@link grey}. */
  colormap?: Colormap;
  /** Values mapped to 0 and 1. Default the finite minimum and maximum of `values`. */
  range?: readonly [number, number];
}

/**
 * An 8-bit RGBA (or RGB) image with the few drawing primitives trainkit's plots need; it is a
 * {@link PngImage}, so `encodePng(canvas)` writes it. Coordinates are pixels from the top-left;
 * drawing outside the image is clipped.
 * @example
 * const c = new Canvas(64, 32);
 * c.line(0, 31, 63, 0, [31, 119, 180]);
 * c.text(2, 2, 'loss', [0, 0, 0]);
 * const png = encodePng(c);
 */
export class Canvas implements PngImage {
  readonly data: Uint8Array;
  readonly channels: 3 | 4;

  constructor(
    readonly width: number,
    readonly height: number,
    options: CanvasOptions = {},
  ) {
    assertPositiveInt('width', width);
    assertPositiveInt('height', height);
    this.channels = assertChannels('options.channels', options.channels);
    this.data = new Uint8Array(width * height * this.channels).fill(255);
    const bg = options.background;
    if (bg) this.fillRect(0, 0, width - 1, height - 1, bg);
  }

  /** Paints the pixel nearest (x, y). */
  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const p = (y * this.width + x) * this.channels;
    this.data[p] = c[0];
    this.data[p + 1] = c[1];
    this.data[p + 2] = c[2];
    if (this.channels === 4) this.data[p + 3] = 255;
  }

  /** The colour at pixel (x, y). */
  get(x: number, y: number): Rgb {
    const p = (y * this.width + x) * this.channels;
    return [this.data[p]!, this.data[p + 1]!, this.data[p + 2]!];
  }

  /** A filled rectangle, corners included. */
  fillRect(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    for (let y = Math.round(Math.min(y0, y1)); y <= Math.round(Math.max(y0, y1)); y++)
      for (let x = Math.round(Math.min(x0, x1)); x <= Math.round(Math.max(x0, x1)); x++)
        this.set(x, y, c);
  }

  /** A line `width` pixels thick (Bresenham on rounded end points, square pen). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, width = 1): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xe = Math.round(x1);
    const ye = Math.round(y1);
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    const lo = -Math.floor((width - 1) / 2);
    const hi = Math.ceil((width - 1) / 2);
    for (;;) {
      for (let a = lo; a <= hi; a++) for (let b = lo; b <= hi; b++) this.set(x + a, y + b, c);
      if (x === xe && y === ye) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /** A filled disc of radius r around the pixel nearest (cx, cy): a scatter point. */
  disc(cx: number, cy: number, r: number, c: Rgb): void {
    const x0 = Math.round(cx);
    const y0 = Math.round(cy);
    for (let y = -r; y <= r; y++)
      for (let x = -r; x <= r; x++) if (x * x + y * y <= r * r + r) this.set(x0 + x, y0 + y, c);
  }

  /**
   * Text in the 3x5 font, `scale` pixels per font pixel (default 2); `align` anchors x. The
   * text is shifted to stay inside the image.
   */
  text(
    x: number,
    y: number,
    s: string,
    c: Rgb,
    options: { scale?: number; align?: 'left' | 'center' | 'right' } = {},
  ): void {
    const k = options.scale ?? 2;
    const w = textWidth(s, k);
    let left = Math.round(
      options.align === 'center' ? x - w / 2 : options.align === 'right' ? x - w : x,
    );
    left = Math.max(1, Math.min(left, this.width - w - 1));
    for (const ch of s.toUpperCase()) {
      const rows = (GLYPHS[ch] ?? GLYPHS['?']!).split(' ');
      rows.forEach((row, j) => {
        for (let i = 0; i < 3; i++)
          if (row[i] === '#')
            this.fillRect(left + i * k, y + j * k, left + i * k + k - 1, y + j * k + k - 1, c);
      });
      left += 4 * k;
    }
  }

  /**
   * A heat map of a `rows` x `cols` row-major grid of `values`, top-left corner at (x, y), each
   * cell `scale` x `scale` pixels coloured by `colormap((v - lo) / (hi - lo))` (a constant grid
   * maps to 0). Non-finite values are left unpainted.
   * @example canvas.heatmap(0, 0, confusion, 10, 10, { scale: 8, colormap: viridis })
   */
  heatmap(
    x: number,
    y: number,
    values: ArrayLike<number>,
    rows: number,
    cols: number,
    options: HeatmapOptions = {},
  ): void {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || values.length !== rows * cols) {
      throw new ShapeError('heat map values do not fill the grid', {
        argument: 'values',
        expected: `rows*cols = ${rows * cols} values`,
        received: values.length,
      });
    }
    const scale = options.scale ?? 1;
    const colormap = options.colormap ?? grey;
    let [lo, hi] = options.range ?? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    if (!options.range) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const span = hi - lo || 1;
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < cols; q++) {
        const v = values[r * cols + q]!;
        if (!Number.isFinite(v)) continue;
        const c = colormap((v - lo) / span);
        const px = x + q * scale;
        const py = y + r * scale;
        this.fillRect(px, py, px + scale - 1, py + scale - 1, c);
      }
    }
  }
}

// Pixel drawing for the PNG plots: rectangles, lines, discs and a 3x5 pixel font.
import type { RgbImage } from './png';

export type Rgb = readonly [number, number, number];

// 3x5 glyphs, five rows of three pixels each ('#' on). Lower case prints as upper case.
const GLYPHS: Record<string, string> = {
  '0': '### #.# #.# #.# ###',
  '1': '.#. ##. .#. .#. ###',
  '2': '### ..# ### #.. ###',
  '3': '### ..# ### ..# ###',
  '4': '#.# #.# ### ..# ..#',
  '5': '### #.. ### ..# ###',
  '6': '### #.. ### #.# ###',
  '7': '### ..# .#. .#. .#.',
  '8': '### #.# ### #.# ###',
  '9': '### #.# ### ..# ###',
  A: '.#. #.# ### #.# #.#',
  B: '##. #.# ##. #.# ##.',
  C: '.## #.. #.. #.. .##',
  D: '##. #.# #.# #.# ##.',
  E: '### #.. ##. #.. ###',
  F: '### #.. ##. #.. #..',
  G: '.## #.. #.# #.# .##',
  H: '#.# #.# ### #.# #.#',
  I: '### .#. .#. .#. ###',
  J: '..# ..# ..# #.# .#.',
  K: '#.# #.# ##. #.# #.#',
  L: '#.. #.. #.. #.. ###',
  M: '#.# ### ### #.# #.#',
  N: '##. #.# #.# #.# #.#',
  O: '.#. #.# #.# #.# .#.',
  P: '##. #.# ##. #.. #..',
  Q: '.#. #.# #.# ##. .##',
  R: '##. #.# ##. #.# #.#',
  S: '.## #.. .#. ..# ##.',
  T: '### .#. .#. .#. .#.',
  U: '#.# #.# #.# #.# ###',
  V: '#.# #.# #.# #.# .#.',
  W: '#.# #.# ### ### #.#',
  X: '#.# #.# .#. #.# #.#',
  Y: '#.# #.# .#. .#. .#.',
  Z: '### ..# .#. #.. ###',
  '.': '... ... ... ... .#.',
  ',': '... ... ... .#. #..',
  '-': '... ... ### ... ...',
  '+': '... .#. ### .#. ...',
  '(': '..# .#. .#. .#. ..#',
  ')': '#.. .#. .#. .#. #..',
  ':': '... .#. ... .#. ...',
  '%': '#.# ..# .#. #.. #.#',
  '/': '..# ..# .#. #.. #..',
  _: '... ... ... ... ###',
  '=': '... ### ... ### ...',
  '<': '..# .#. #.. .#. ..#',
  '>': '#.. .#. ..# .#. #..',
  ' ': '... ... ... ... ...',
  '?': '### ..# .#. ... .#.',
};

/** A white RGB canvas with the few primitives the plots need. */
export class Canvas implements RgbImage {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 3).fill(255);
  }

  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const p = (y * this.width + x) * 3;
    this.data[p] = c[0];
    this.data[p + 1] = c[1];
    this.data[p + 2] = c[2];
  }

  get(x: number, y: number): Rgb {
    const p = (y * this.width + x) * 3;
    return [this.data[p]!, this.data[p + 1]!, this.data[p + 2]!];
  }

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

  /** A filled disc of radius r around the pixel nearest (cx, cy). */
  disc(cx: number, cy: number, r: number, c: Rgb): void {
    const x0 = Math.round(cx);
    const y0 = Math.round(cy);
    for (let y = -r; y <= r; y++)
      for (let x = -r; x <= r; x++) if (x * x + y * y <= r * r + r) this.set(x0 + x, y0 + y, c);
  }

  /** Text in the 3x5 font, `scale` pixels per font pixel; `align` anchors x. */
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
    // keep labels inside the image
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
}

/** Width in pixels of `s` in the 3x5 font at `scale`. */
export function textWidth(s: string, scale = 2): number {
  return s.length === 0 ? 0 : (s.length * 4 - 1) * scale;
}

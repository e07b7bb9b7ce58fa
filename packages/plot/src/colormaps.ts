// Colour maps for values in [0, 1] and a categorical palette for series.
import { ValueRangeError } from '@trainkit/core';

/** An 8-bit colour. */
export type Rgb = readonly [number, number, number];

/** A colour map: a value in [0, 1] (clamped) to a colour. */
export type Colormap = (t: number) => Rgb;

// matplotlib's viridis (van der Walt & Smith 2015) sampled at 0, 1/4, 1/2, 3/4 and 1.
const VIRIDIS_STOPS: readonly Rgb[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** A colour map through `stops`, evenly spaced over [0, 1], linear in RGB between them. */
export function linearColormap(stops: readonly Rgb[]): Colormap {
  if (!Array.isArray(stops) || stops.length < 2) {
    throw new ValueRangeError('a colour map needs at least two stops', {
      argument: 'stops',
      expected: 'an array of two or more [r, g, b] colours',
      received: Array.isArray(stops) ? stops.length : stops,
    });
  }
  return (t) => {
    const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(x));
    const f = x - i;
    const a = stops[i]!;
    const b = stops[i + 1]!;
    return [
      Math.round(a[0] + f * (b[0] - a[0])),
      Math.round(a[1] + f * (b[1] - a[1])),
      Math.round(a[2] + f * (b[2] - a[2])),
    ];
  };
}

/**
 * Viridis (perceptually uniform, readable in grey and by colour-blind readers): dark violet at
 * 0, yellow at 1; matplotlib's values at the quarter points, linear in between.
 * @example viridis(0) // [68, 1, 84]
 */
export const viridis: Colormap = linearColormap(VIRIDIS_STOPS);

/**
 * Grey levels, black at 0 and white at 1: `round(255 t)` in every channel.
 * @example grey(0.5) // [128, 128, 128]
 */
export const grey: Colormap = (t) => {
  const v = Math.round(Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t)) * 255);
  return [v, v, v];
};

/** The ten colours of matplotlib's `tab10` cycle (Tableau 10), for one line per series. */
export const TAB10: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/**
 * A colour as CSS `rgb(r,g,b)`, for SVG and HTML.
 * @example cssRgb(viridis(1)) // 'rgb(253,231,37)'
 */
export function cssRgb(c: Rgb): string {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

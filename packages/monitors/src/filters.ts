import * as tf from '@tensorflow/tfjs-core';
import { assertRank } from '@trainkit/core';
import { Canvas, grey } from '@trainkit/plot';
import type { RgbaImage } from './plot-png';

/**
 * Renders conv filters `[kh, kw, cin, cout]` as an image grid: one tile per output channel,
 * RGB when `cin` is 3, else the mean over input channels as grey; each filter min-max scaled to
 * [0, 255] (as in CS231n's visualisations). `scale` enlarges each pixel; tiles are separated by
 * a 1-pixel border.
 * @example const img = await filterGrid(params['conv2d_1/kernel'], { scale: 4 });
 */
export async function filterGrid(
  kernel: tf.Tensor,
  options: { scale?: number; columns?: number } = {},
): Promise<RgbaImage> {
  assertRank('kernel', kernel.shape, 4);
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  const scale = options.scale ?? 4;
  const cols = options.columns ?? Math.ceil(Math.sqrt(cout));
  const rows = Math.ceil(cout / cols);
  const channels = cin === 3 ? 3 : 1;
  const t = tf.tidy(() => (cin === 3 ? tf.clone(kernel) : tf.mean(kernel, 2, true)));
  const values = await t.data();
  t.dispose();
  const tileW = kw * scale;
  const tileH = kh * scale;
  const canvas = new Canvas(cols * (tileW + 1) + 1, rows * (tileH + 1) + 1);
  const at = (ky: number, kx: number, ci: number, f: number) =>
    values[((ky * kw + kx) * channels + ci) * cout + f]!;
  for (let f = 0; f < cout; f++) {
    const ox = 1 + (f % cols) * (tileW + 1);
    const oy = 1 + Math.floor(f / cols) * (tileH + 1);
    if (channels === 1) {
      // grey: a heat map of the filter, min-max scaled
      const tile = Float64Array.from({ length: kh * kw }, (_, i) =>
        at(Math.floor(i / kw), i % kw, 0, f),
      );
      canvas.heatmap(ox, oy, tile, kh, kw, { scale, colormap: grey });
      continue;
    }
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < kh * kw * channels; i++) {
      const v = values[i * cout + f]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const range = hi - lo || 1;
    const byte = (v: number) => Math.round(((v - lo) / range) * 255);
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++) {
        const x = ox + kx * scale;
        const y = oy + ky * scale;
        const c = [byte(at(ky, kx, 0, f)), byte(at(ky, kx, 1, f)), byte(at(ky, kx, 2, f))] as const;
        canvas.fillRect(x, y, x + scale - 1, y + scale - 1, c);
      }
  }
  return canvas;
}

/**
 * How noisy filters are: mean squared difference of horizontally and vertically adjacent
 * kernel values over the variance of the values. White noise gives about 2; smooth, trained
 * first-layer filters (edges, blobs) give much less. Needs kernels of at least 2x2.
 */
export async function filterRoughness(kernel: tf.Tensor): Promise<number> {
  assertRank('kernel', kernel.shape, 4);
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  if (kh < 2 && kw < 2) return Number.NaN;
  const v = await kernel.data();
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let variance = 0;
  for (const x of v) variance += (x - mean) ** 2;
  variance /= v.length;
  let diff = 0;
  let pairs = 0;
  const at = (y: number, x: number, c: number, f: number) =>
    v[((y * kw + x) * cin + c) * cout + f]!;
  for (let f = 0; f < cout; f++) {
    for (let c = 0; c < cin; c++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          if (x + 1 < kw) {
            diff += (at(y, x, c, f) - at(y, x + 1, c, f)) ** 2;
            pairs++;
          }
          if (y + 1 < kh) {
            diff += (at(y, x, c, f) - at(y + 1, x, c, f)) ** 2;
            pairs++;
          }
        }
      }
    }
  }
  return variance === 0 ? 0 : diff / pairs / variance;
}

import * as tf from '@tensorflow/tfjs-core';

/** How pixels that come from outside the image are filled (tf.image.transform's modes). */
export type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';
export const FILL_MODES: readonly FillMode[] = ['constant', 'reflect', 'wrap', 'nearest'];
export type Interpolation = 'nearest' | 'bilinear';
export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear'];

/** Per-example rotation (radians, counter-clockwise on screen), zoom and shift (pixels). */
export interface AffineParams {
  angle?: Float32Array;
  scale?: Float32Array;
  dx?: Float32Array;
  dy?: Float32Array;
}

/**
 * Applies per-example affine maps with one `tf.image.transform` call. The output pixel `o`
 * samples the input at `c + R(theta) (o - c - d) / s`, `c` the image centre: content rotates by
 * `theta` counter-clockwise (as seen with rows going down), is zoomed by `s` (> 1 enlarges) and
 * moves by `d = (dx, dy)` pixels.
 */
export function affine(
  images: tf.Tensor4D,
  p: AffineParams,
  interpolation: Interpolation,
  fillMode: FillMode,
  fillValue: number,
): tf.Tensor4D {
  const [n, h, w] = images.shape;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const m = new Float32Array(n * 8);
  for (let i = 0; i < n; i++) {
    const t = p.angle?.[i] ?? 0;
    const s = p.scale?.[i] ?? 1;
    const dx = p.dx?.[i] ?? 0;
    const dy = p.dy?.[i] ?? 0;
    const a0 = Math.cos(t) / s;
    const a1 = -Math.sin(t) / s;
    const b0 = Math.sin(t) / s;
    const b1 = Math.cos(t) / s;
    // i = A (o - c - d) + c  =>  offset = c - A (c + d)
    m.set(
      [
        a0,
        a1,
        cx - (a0 * (cx + dx) + a1 * (cy + dy)),
        b0,
        b1,
        cy - (b0 * (cx + dx) + b1 * (cy + dy)),
        0,
        0,
      ],
      i * 8,
    );
  }
  return tf.tidy(() => {
    const maps = tf.tensor2d(m, [n, 8]);
    // tfjs-backend-cpu 4.22's Transform kernel returns after the first image of the batch
    // (the rest come back as zeros), so on cpu go one image at a time.
    if (n > 1 && tf.getBackend() === 'cpu') {
      const outs = tf
        .split<tf.Tensor4D>(images, n, 0)
        .map((img, i) =>
          tf.image.transform(
            img,
            tf.slice(maps, [i, 0], [1, 8]),
            interpolation,
            fillMode,
            fillValue,
          ),
        );
      return tf.concat(outs, 0);
    }
    return tf.image.transform(images, maps, interpolation, fillMode, fillValue);
  });
}

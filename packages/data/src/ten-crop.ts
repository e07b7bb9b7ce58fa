import type { Rng, Serialized } from '@trainkit/core';
import {
  centerBox,
  type ImageOp,
  type ImageRecipe,
  type ResizeThenCropOptions,
  resizeThenCrop,
  shorterSideSize,
} from './image-recipe';

/** Options of {@link tenCrop}: those of the evaluation recipe (each crop's size), and flips. */
export interface TenCropOptions extends ResizeThenCropOptions {
  /** `false` for the five crops alone (torchvision `FiveCrop`); default `true` (ten). */
  flips?: boolean;
}

/**
 * Test-time augmentation of AlexNet (Krizhevsky et al. 2012, section 4.1): resize the shorter
 * side to `resize`, then the four corner crops and the centre crop, and the same five mirrored —
 * ten views whose predictions are averaged ({@link averageViews}). The order is torchvision's
 * `TenCrop`: top-left, top-right, bottom-left, bottom-right, centre, then the same five taken from the mirrored image.
 *
 * @example
 * for await (const { x, y } of test.batches(8, { recipe: tenCrop() })) {
 *   const probs = averageViews(tf.softmax(model.predict(x)), 10); // x: [80, 224, 224, 3]
 * }
 */
export function tenCrop(options: TenCropOptions = {}): ImageRecipe {
  const { resize, crop, interpolation } = resizeThenCrop(options);
  const flips = options.flips ?? true;
  const [ch, cw] = crop;
  return {
    kind: 'data.tenCrop',
    size: crop,
    views: flips ? 10 : 5,
    interpolation,
    plan(width: number, height: number, _rng: Rng): ImageOp[] {
      const [h, w] = shorterSideSize(width, height, resize);
      const center = centerBox(w, h, crop); // also checks the crop fits
      const boxes = [
        { left: 0, top: 0, width: cw, height: ch },
        { left: w - cw, top: 0, width: cw, height: ch },
        { left: 0, top: h - ch, width: cw, height: ch },
        { left: w - cw, top: h - ch, width: cw, height: ch },
        center,
      ];
      const ops: ImageOp[] = boxes.map((b) => ({ resize: [h, w], cropAfter: b, flip: false }));
      // torchvision crops the mirrored image: its box b is the original's box mirrored.
      if (flips) {
        for (const b of boxes) {
          ops.push({ resize: [h, w], cropAfter: { ...b, left: w - b.left - cw }, flip: true });
        }
      }
      return ops;
    },
    toJSON(): Serialized {
      return { kind: 'data.tenCrop', version: 1, resize, crop: [...crop], flips, interpolation };
    },
  };
}

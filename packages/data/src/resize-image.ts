import { assertNumber, type Rng, type Serialized } from '@trainkit/core';
import {
  type ImageOp,
  type ImageRecipe,
  type Interpolation,
  type SizeOption,
  toInterpolation,
  toSize,
} from './image-recipe';

/** Options of {@link resizeImage}. */
export interface ResizeImageOptions {
  /** Output `[height, width]` or a square side. */
  size: SizeOption;
  /** Resampling filter (default `'bilinear'`). */
  interpolation?: Interpolation;
  /** Probability of a horizontal flip (default 0: none; 0.5 for training). */
  flipProbability?: number;
}

/**
 * Stretches the whole image to `size`, ignoring its aspect ratio: what Keras'
 * `image_dataset_from_directory(image_size=...)` does by default. The default recipe of an image
 * folder.
 *
 * @example
 * const recipe = resizeImage({ size: [224, 224] });
 */
export function resizeImage(options: ResizeImageOptions): ImageRecipe {
  const size = toSize('size', options?.size);
  const interpolation = toInterpolation(options.interpolation);
  const flipProbability = assertNumber('flipProbability', options.flipProbability ?? 0, {
    min: 0,
    max: 1,
  });
  return {
    kind: 'data.resizeImage',
    size,
    views: 1,
    interpolation,
    plan(_width: number, _height: number, rng: Rng): ImageOp[] {
      return [{ resize: size, flip: flipProbability > 0 && rng.next() < flipProbability }];
    },
    toJSON(): Serialized {
      return {
        kind: 'data.resizeImage',
        version: 1,
        size: [...size],
        interpolation,
        flipProbability,
      };
    },
  };
}

import { assertNumber, type Rng, type Serialized } from '@trainkit/core';
import {
  centerBox,
  type ImageOp,
  type ImageRecipe,
  type Interpolation,
  type SizeOption,
  shorterSideSize,
  toInterpolation,
  toSize,
} from './image-recipe';

/** Options of {@link resizeCenterCrop}. */
export interface ResizeCenterCropOptions {
  /** The shorter side after resizing (default 256, the ImageNet evaluation recipe). */
  resize?: number;
  /** The centre crop, `[height, width]` or a square side (default 224). */
  crop?: SizeOption;
  /** Resampling filter (default `'bilinear'`). */
  interpolation?: Interpolation;
}

/**
 * The evaluation recipe of the ImageNet networks (AlexNet, VGG, ResNet; torchvision
 * `Resize(256)` + `CenterCrop(224)`): resize so the shorter side is `resize`, keeping the aspect
 * ratio, then take the centre `crop`.
 *
 * @example
 * const evalRecipe = resizeCenterCrop({ resize: 256, crop: 224 });
 */
export function resizeCenterCrop(options: ResizeCenterCropOptions = {}): ImageRecipe {
  const resize = assertNumber('resize', options.resize ?? 256, { min: 1, integer: true });
  const crop = toSize('crop', options.crop ?? 224);
  const interpolation = toInterpolation(options.interpolation);
  return {
    kind: 'data.resizeCenterCrop',
    size: crop,
    views: 1,
    interpolation,
    plan(width: number, height: number, _rng: Rng): ImageOp[] {
      const [h, w] = shorterSideSize(width, height, resize);
      return [{ resize: [h, w], cropAfter: centerBox(w, h, crop), flip: false }];
    },
    toJSON(): Serialized {
      return { kind: 'data.resizeCenterCrop', version: 1, resize, crop: [...crop], interpolation };
    },
  };
}

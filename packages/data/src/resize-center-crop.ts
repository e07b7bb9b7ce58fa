import type { Rng, Serialized } from '@trainkit/core';
import {
  centerBox,
  type ImageOp,
  type ImageRecipe,
  type ResizeThenCropOptions,
  resizeThenCrop,
  shorterSideSize,
} from './image-recipe';

/** Options of {@link resizeCenterCrop}: the shorter side, the centre crop, the filter. */
export type ResizeCenterCropOptions = ResizeThenCropOptions;

/**
 * The evaluation recipe of the ImageNet networks (AlexNet, VGG, ResNet; torchvision
 * `Resize(256)` + `CenterCrop(224)`): resize so the shorter side is `resize`, keeping the aspect
 * ratio, then take the centre `crop`.
 *
 * @example
 * const evalRecipe = resizeCenterCrop({ resize: 256, crop: 224 });
 */
export function resizeCenterCrop(options: ResizeCenterCropOptions = {}): ImageRecipe {
  const { resize, crop, interpolation } = resizeThenCrop(options);
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

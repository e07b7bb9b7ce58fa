import { assertNumber, ConfigError, type Rng, type Serialized } from '@trainkit/core';
import {
  type CropBox,
  type ImageOp,
  type ImageRecipe,
  type Interpolation,
  roundHalfEven,
  type SizeOption,
  toInterpolation,
  toSize,
} from './image-recipe';

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Output `[height, width]` or a square side (default 224). */
  size?: SizeOption;
  /** Range of the crop's area as a fraction of the image (default `[0.08, 1]`). */
  scale?: readonly [number, number];
  /** Range of the crop's aspect ratio width / height (default `[3/4, 4/3]`). */
  ratio?: readonly [number, number];
  /** Probability of a horizontal flip (default 0.5; 0 for none). */
  flipProbability?: number;
  /** Resampling filter (default `'bilinear'`). */
  interpolation?: Interpolation;
}

function range(name: string, v: readonly [number, number], min: number): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) {
    throw new ConfigError('a range must be [low, high]', { argument: name, received: v });
  }
  const lo = assertNumber(`${name}[0]`, v[0], { min, exclusiveMin: min === 0 });
  const hi = assertNumber(`${name}[1]`, v[1], { min: lo });
  return [lo, hi];
}

/**
 * The box torchvision's `RandomResizedCrop.get_params` draws for a `width` x `height` image: up to
 * ten tries of an area fraction uniform in `scale` and a log-uniform aspect ratio in `ratio`; when
 * none fits, the centre crop at the nearest allowed ratio (Szegedy et al. 2015, the Inception
 * training recipe).
 */
export function sampleResizedCropBox(
  width: number,
  height: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): CropBox {
  const area = width * height;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = roundHalfEven(Math.sqrt(target * aspect));
    const h = roundHalfEven(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return {
        top: rng.int(0, height - h + 1),
        left: rng.int(0, width - w + 1),
        width: w,
        height: h,
      };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = roundHalfEven(w / ratio[0]);
  else if (inRatio > ratio[1]) w = roundHalfEven(h * ratio[1]);
  return {
    top: Math.floor((height - h) / 2),
    left: Math.floor((width - w) / 2),
    width: w,
    height: h,
  };
}

/**
 * The training recipe of Inception / ResNet on ImageNet (torchvision `RandomResizedCrop(224)` +
 * `RandomHorizontalFlip()`): a random box of 8-100% of the area with an aspect ratio in
 * [3/4, 4/3], resized to `size`, mirrored with probability `flipProbability`. Seeded through the
 * `Rng` the batches pass in, so an epoch is reproducible.
 *
 * @example
 * for await (const b of train.batches(32, { recipe: randomResizedCrop({ size: 224 }), rng: 0 })) {}
 */
export function randomResizedCrop(options: RandomResizedCropOptions = {}): ImageRecipe {
  const size = toSize('size', options.size ?? 224);
  const scale = range('scale', options.scale ?? [0.08, 1], 0);
  const ratio = range('ratio', options.ratio ?? [3 / 4, 4 / 3], 0);
  const flipProbability = assertNumber('flipProbability', options.flipProbability ?? 0.5, {
    min: 0,
    max: 1,
  });
  const interpolation = toInterpolation(options.interpolation);
  return {
    kind: 'data.randomResizedCrop',
    size,
    views: 1,
    interpolation,
    plan(width: number, height: number, rng: Rng): ImageOp[] {
      const crop = sampleResizedCropBox(width, height, scale, ratio, rng);
      return [{ crop, resize: size, flip: rng.next() < flipProbability }];
    },
    toJSON(): Serialized {
      return {
        kind: 'data.randomResizedCrop',
        version: 1,
        size: [...size],
        scale: [...scale],
        ratio: [...ratio],
        flipProbability,
        interpolation,
      };
    },
  };
}

import { assertNumber, assertOneOf, ConfigError, type Rng, type Serialized } from '@trainkit/core';

/** A rectangle in pixels: `left`, `top` of its corner, `width`, `height`. */
export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * One geometric operation on a decoded image, in the order the steps run:
 * `crop` (in source pixels) -> `resize` to `[height, width]` -> `cropAfter` (in resized pixels)
 * -> `flip` (horizontal mirror). Decoders (sharp in Node, a canvas in the browser) execute it.
 */
export interface ImageOp {
  crop?: CropBox;
  resize?: readonly [number, number];
  cropAfter?: CropBox;
  flip: boolean;
}

/** Resampling filter for resizing (`bilinear` is the torchvision and Keras default). */
export type Interpolation = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos3';

/**
 * How an image of any size becomes a fixed-size network input: `plan(width, height, rng)` returns
 * the {@link ImageOp}s to run on one image (one op, or several for test-time augmentation, where
 * each op is one view of the image and the views are averaged). `size` is `[height, width]` of
 * every output; `views` how many ops `plan` returns.
 */
export interface ImageRecipe {
  readonly kind: string;
  readonly size: readonly [number, number];
  readonly views: number;
  readonly interpolation: Interpolation;
  plan(width: number, height: number, rng: Rng): ImageOp[];
  toJSON(): Serialized;
}

export type SizeOption = number | readonly [number, number];

/** `[height, width]` from a number (square) or a pair; validated, named after `argument`. */
export function toSize(argument: string, size: SizeOption): [number, number] {
  if (typeof size === 'number') {
    assertNumber(argument, size, { min: 1, integer: true });
    return [size, size];
  }
  if (!Array.isArray(size) || size.length !== 2) {
    throw new ConfigError('size must be a number or [height, width]', {
      argument,
      expected: 'a positive integer or [height, width]',
      received: size,
    });
  }
  assertNumber(`${argument}[0]`, size[0], { min: 1, integer: true });
  assertNumber(`${argument}[1]`, size[1], { min: 1, integer: true });
  return [size[0], size[1]];
}

export function toInterpolation(value: Interpolation | undefined): Interpolation {
  return assertOneOf('interpolation', value ?? 'bilinear', [
    'nearest',
    'bilinear',
    'bicubic',
    'lanczos3',
  ] as const);
}

/** Options shared by the recipes that resize the shorter side, then crop (evaluation, ten-crop). */
export interface ResizeThenCropOptions {
  /** The shorter side after resizing (default 256, the ImageNet evaluation recipe). */
  resize?: number;
  /** The crop, `[height, width]` or a square side (default 224). */
  crop?: SizeOption;
  /** Resampling filter (default `'bilinear'`). */
  interpolation?: Interpolation;
}

/** Checks {@link ResizeThenCropOptions} and fills in their defaults. */
export function resizeThenCrop(options: ResizeThenCropOptions): {
  resize: number;
  crop: [number, number];
  interpolation: Interpolation;
} {
  return {
    resize: assertNumber('resize', options.resize ?? 256, { min: 1, integer: true }),
    crop: toSize('crop', options.crop ?? 224),
    interpolation: toInterpolation(options.interpolation),
  };
}

/**
 * The size torchvision's `Resize(size)` gives an image with an int `size`: the shorter side
 * becomes `size`, the longer `floor(size * long / short)` (torchvision `_compute_resized_output_size`).
 * Returns `[height, width]`.
 */
export function shorterSideSize(width: number, height: number, size: number): [number, number] {
  if (width <= height) return [Math.floor((size * height) / width), size];
  return [size, Math.floor((size * width) / height)];
}

/**
 * The box torchvision's `CenterCrop` takes: offsets `round((H - h) / 2)`, `round((W - w) / 2)`
 * with Python's round-half-to-even, as `int(round(...))` does. Crops larger than the image are
 * refused (torchvision pads; a silent pad would hide a wrong size).
 */
export function centerBox(width: number, height: number, crop: readonly [number, number]): CropBox {
  const [ch, cw] = crop;
  if (ch > height || cw > width) {
    throw new ConfigError('crop larger than the resized image', {
      argument: 'crop',
      expected: `at most [${height}, ${width}]`,
      received: [ch, cw],
    });
  }
  return {
    top: roundHalfEven((height - ch) / 2),
    left: roundHalfEven((width - cw) / 2),
    width: cw,
    height: ch,
  };
}

/** Python's `round` (half to even), which torchvision's `int(round(...))` geometry uses. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

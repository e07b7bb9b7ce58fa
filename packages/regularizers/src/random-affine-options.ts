import { assertNumber, assertOneOf, type RngState } from '@trainkit/core';
import { FILL_MODES, type FillMode, INTERPOLATIONS, type Interpolation } from './affine';
import type { RngOption } from './rng-option';

/** How geometric augmentations sample and fill. */
export interface ResampleOptions {
  /** Default `'bilinear'`. */
  interpolation?: Interpolation;
  /** Default `'constant'` (with `fillValue`). */
  fillMode?: FillMode;
  /** Default 0. */
  fillValue?: number;
  /** Seed or generator. Default seed 0. */
  rng?: RngOption | RngState;
}

export function checkResample(o: ResampleOptions): {
  interpolation: Interpolation;
  fillMode: FillMode;
  fillValue: number;
} {
  return {
    interpolation: assertOneOf('interpolation', o.interpolation ?? 'bilinear', INTERPOLATIONS),
    fillMode: assertOneOf('fillMode', o.fillMode ?? 'constant', FILL_MODES),
    fillValue: assertNumber('fillValue', o.fillValue ?? 0),
  };
}

/** Validates a `[min, max]` range from `min`/`max` options. */
export function checkRange(
  minName: string,
  min: number,
  maxName: string,
  max: number,
  bounds: { min?: number; exclusiveMin?: boolean } = {},
): [number, number] {
  assertNumber(minName, min, bounds);
  assertNumber(maxName, max, { min });
  return [min, max];
}

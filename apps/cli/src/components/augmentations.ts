import type { Serialized } from '@trainkit/core';
import { type Choices, resolveChoice } from './choices';

/** On-the-fly image augmentations by the name the CLI and the demo offer. */
export const AUGMENTATIONS: Choices<'flip' | 'crop' | 'translate' | 'rotate' | 'cutout'> = {
  family: 'augmentation',
  names: ['flip', 'crop', 'translate', 'rotate', 'cutout'],
  aliases: {},
};
export type AugmentationName = (typeof AUGMENTATIONS.names)[number];

// The recipe of each name: small perturbations that keep a 28x28 or 32x32 image's class.
const RECIPES: Record<AugmentationName, Record<string, unknown> & { kind: string }> = {
  flip: { kind: 'regularizers.randomFlip' },
  crop: { kind: 'regularizers.randomCrop', padding: 2 },
  translate: { kind: 'regularizers.randomTranslate', heightFactor: 0.1 },
  rotate: { kind: 'regularizers.randomRotation', maxDegrees: 10 },
  cutout: { kind: 'regularizers.cutout', size: 8 },
};

/**
 * The `{ kind, ... }` spec of augmentation `name` with its own generator seeded by `seed`;
 * rebuild it with {@link fromSpec}.
 *
 * @example
 * augmentationSpec('crop', 7); // { kind: 'regularizers.randomCrop', version: 1, padding: 2, rng: 7 }
 */
export function augmentationSpec(name: string, seed: number): Serialized {
  const canonical = resolveChoice('augment', name, AUGMENTATIONS);
  return { version: 1, ...RECIPES[canonical], rng: seed };
}

/**
 * The spec of an augmentation pipeline applying `names` in order, step `i` seeded with
 * `seed * 101 + i` (independent streams per step); `undefined` for no names.
 *
 * @example
 * augmentPipelineSpec(['flip', 'crop'], 3); // { kind: 'regularizers.augment', steps: [...] }
 */
export function augmentPipelineSpec(
  names: readonly string[],
  seed: number,
): Serialized | undefined {
  if (names.length === 0) return undefined;
  return {
    kind: 'regularizers.augment',
    version: 1,
    steps: names.map((name, i) => augmentationSpec(name, seed * 101 + i)),
  };
}

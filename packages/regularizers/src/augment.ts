import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@trainkit/core';
import { type Augmentation, checkImages } from './augmentation';

/**
 * Composes augmentations into one, applied left to right; intermediates are freed. Each step
 * keeps its own generator, so the pipeline is reproducible from the steps' seeds.
 * @example
 * const aug = augment([randomCrop({ padding: 4, rng: 1 }), randomFlip({ rng: 2 }), cutout({ size: 8, rng: 3 })]);
 * for (const { x, y } of batches) { const xa = aug(x); ...; xa.dispose(); }
 */
export function augment(steps: Augmentation[]): Augmentation {
  if (!Array.isArray(steps) || steps.some((s) => typeof s !== 'function' || !s.toJSON)) {
    throw new ConfigError('must be a list of augmentations', {
      argument: 'steps',
      expected: 'an array of Augmentation (randomFlip(), randomCrop(), ...)',
      received: steps,
    });
  }
  const list = [...steps];
  const aug = (images: tf.Tensor4D): tf.Tensor4D => {
    checkImages(images);
    return tf.tidy(() => list.reduce((x, step) => step(x), tf.clone(images)));
  };
  return Object.assign(aug, {
    kind: 'regularizers.augment',
    toJSON: () => ({
      kind: 'regularizers.augment',
      version: 1,
      steps: list.map((s) => s.toJSON()),
    }),
  });
}

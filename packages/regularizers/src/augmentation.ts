import * as tf from '@tensorflow/tfjs-core';
import { assertDType, assertRank, type Rng, type Serialized } from '@trainkit/core';

/**
 * A seeded, on-the-fly augmentation of an NHWC float32 image batch: returns a new batch the
 * caller owns (the input is not disposed). Per-example random parameters (a handful of numbers
 * per image) are drawn from the augmentation's own {@link Rng}; every pixel operation runs on
 * the tensor backend. Same seed, same sequence of batches.
 */
export interface Augmentation {
  (images: tf.Tensor4D): tf.Tensor4D;
  readonly kind: string;
  toJSON(): Serialized;
}

/** Checks an image batch: rank 4 (NHWC), float32. */
export function checkImages(images: tf.Tensor): void {
  assertRank('images', images?.shape ?? [], 4);
  assertDType('images', images.dtype, ['float32']);
}

/** Builds an {@link Augmentation} from a batch function that may allocate freely (it is tidied). */
export function makeAugmentation(
  kind: string,
  apply: (images: tf.Tensor4D) => tf.Tensor4D,
  json: () => Serialized,
): Augmentation {
  const aug = (images: tf.Tensor4D): tf.Tensor4D => {
    checkImages(images);
    return tf.tidy(() => apply(images));
  };
  return Object.assign(aug, { kind, toJSON: json });
}

/** `n` uniform draws in [lo, hi) as a `[n, 1, 1, 1]` tensor, to broadcast per example. */
export function perExample(rng: Rng, n: number, lo: number, hi: number): tf.Tensor4D {
  return tf.tensor4d(rng.uniformArray(n, lo, hi), [n, 1, 1, 1]);
}

import * as tf from '@tensorflow/tfjs-core';
import { assertOneOf, assertRank, NaNError, ShapeError } from '@trainkit/core';

/**
 * Which statistics a scaler keeps:
 * - `'feature'`: one per position of a sample (every pixel of every channel; sklearn's scalers);
 * - `'channel'`: one per last-axis channel of NHWC images, pooled over N, H and W (VGG's mean RGB);
 * - `'global'`: one number for the whole dataset (AlexNet-style single mean).
 */
export type StatAxis = 'feature' | 'channel' | 'global';

export const STAT_AXES: readonly StatAxis[] = ['feature', 'channel', 'global'];

/** How a batch is viewed as a `[rows, features]` matrix for a given {@link StatAxis}. */
export interface Layout {
  /** Shape the statistics broadcast as against a batch (without the batch axis). */
  statShape: number[];
  /** Number of statistics (features in the `[rows, features]` view). */
  features: number;
}

export function checkAxis(axis: unknown): StatAxis {
  return assertOneOf('axis', axis, STAT_AXES);
}

/** The layout of `x` (rank >= 2, batch first) for `axis`. */
export function layoutOf(name: string, x: tf.Tensor, axis: StatAxis): Layout {
  if (x.rank < 2) assertRank(name, x.shape, [2, 3, 4]);
  if (x.shape[0] === 0) {
    throw new ShapeError('needs at least one sample', {
      argument: name,
      expected: 'a batch with >= 1 row',
      receivedText: `shape [${x.shape.join(', ')}]`,
    });
  }
  const sample = x.shape.slice(1);
  if (axis === 'global') return { statShape: [], features: 1 };
  if (axis === 'channel') {
    const c = sample[sample.length - 1]!;
    return { statShape: [c], features: c };
  }
  return { statShape: sample, features: sample.reduce((a, b) => a * b, 1) };
}

/** `x` viewed as a `[rows, features]` matrix (a reshape, no copy on cpu). */
export function asRows(x: tf.Tensor, layout: Layout): tf.Tensor2D {
  return tf.reshape(x, [-1, layout.features]);
}

/** Checks that `x` has the per-sample shape a transform was fitted on. */
export function assertSampleShape(name: string, x: tf.Tensor, fitted: readonly number[]): void {
  const sample = x.shape.slice(1);
  const ok =
    x.rank >= 2 && sample.length === fitted.length && sample.every((d, i) => d === fitted[i]);
  if (!ok) {
    throw new ShapeError('feature shape differs from the one fitted', {
      argument: name,
      expected: `shape [*, ${fitted.join(', ')}]`,
      receivedText: `[${x.shape.join(', ')}]`,
    });
  }
}

/** Throws a NaNError naming `name` when any of the (already read) statistics is not finite. */
export function assertFiniteStats(name: string, ...arrays: ArrayLike<number>[]): void {
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i]!)) {
        throw new NaNError('contains NaN or an infinity', {
          argument: name,
          expected: 'finite values',
        });
      }
    }
  }
}

import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { Serialized } from '@trainkit/core';

/**
 * A metric: `(yTrue, yPred) => Scalar`, the batch mean, logged under `name` (`acc`, `top5_acc`)
 * and `val_<name>` for validation. Called inside `tf.tidy`; must not dispose its inputs.
 */
export type Metric = ((yTrue: Tensor, yPred: Tensor) => Scalar) & {
  readonly kind: string;
  readonly name: string;
  toJSON(): Serialized;
  /**
   * Metrics that are not means over examples (precision, recall, F1): `evaluate` sums the
   * confusion matrices of all batches (made with `options`) and scores the total with `score`.
   */
  readonly confusion?: {
    readonly options: { numClasses?: number; threshold?: number };
    score(matrix: number[][]): number;
  };
};

/** Builds a {@link Metric} (a function's own `name` is read-only, so it is redefined). */
export function makeMetric(
  kind: string,
  name: string,
  fn: (yTrue: Tensor, yPred: Tensor) => Scalar,
  options: Record<string, unknown>,
): Metric {
  Object.defineProperty(fn, 'name', { value: name });
  return Object.assign(fn, {
    kind,
    toJSON: (): Serialized => ({ kind, version: 1, ...options }),
  }) as Metric;
}

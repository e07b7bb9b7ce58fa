import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { type Serialized, ShapeError } from '@trainkit/core';

/**
 * A loss: `(yTrue, yPred) => Scalar`, the batch mean. Carries a `kind` and serializes.
 * Called inside `tf.tidy` by the training loop; it must not dispose its inputs.
 */
export type Loss = ((yTrue: Tensor, yPred: Tensor) => Scalar) & {
  readonly kind: string;
  toJSON(): Serialized;
};

/** Builds a {@link Loss} from its function and JSON. */
export function makeLoss(
  kind: string,
  fn: (yTrue: Tensor, yPred: Tensor) => Scalar,
  options: Record<string, unknown>,
): Loss {
  return Object.assign(fn, {
    kind,
    toJSON: (): Serialized => ({ kind, version: 1, ...options }),
  });
}

/**
 * Class labels for a `[batch, classes]` prediction: sparse integer labels `[batch]`
 * (or `[batch, 1]`) or one-hot / probability targets `[batch, classes]`. Returns which.
 */
export function labelForm(yTrue: Tensor, yPred: Tensor, argument = 'yTrue'): 'sparse' | 'dense' {
  if (yPred.rank !== 2) {
    throw new ShapeError('predictions must be [batch, classes]', {
      argument: 'yPred',
      expected: 'rank 2',
      receivedText: `shape [${yPred.shape.join(', ')}]`,
    });
  }
  const n = yPred.shape[0];
  const sparse =
    (yTrue.rank === 1 && yTrue.shape[0] === n) ||
    (yTrue.rank === 2 && yTrue.shape[0] === n && yTrue.shape[1] === 1 && yPred.shape[1] !== 1);
  if (sparse) return 'sparse';
  if (yTrue.rank === 2 && yTrue.shape[0] === n && yTrue.shape[1] === yPred.shape[1]) return 'dense';
  throw new ShapeError('labels do not match predictions', {
    argument,
    expected: `sparse labels [${n}] or one-hot [${n}, ${yPred.shape[1]}]`,
    receivedText: `shape [${yTrue.shape.join(', ')}]`,
  });
}

/** Asserts two tensors have the same shape. */
export function assertSameShape(yTrue: Tensor, yPred: Tensor): void {
  const a = yTrue.shape;
  const b = yPred.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new ShapeError('targets and predictions differ in shape', {
      argument: 'yTrue',
      expected: `shape [${b.join(', ')}] (as yPred)`,
      receivedText: `shape [${a.join(', ')}]`,
    });
  }
}

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Rng, ShapeError } from '@trainkit/core';

/** One batch of inputs and targets. */
export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/**
 * Training data: whole tensors `{x, y}` (batched and shuffled by `fit`), or an async iterable of
 * batches (or a function returning a fresh one per epoch). Tensors yielded by an iterable are
 * **owned by `fit`**, which disposes them after the step.
 */
export type TrainData =
  | Batch
  | AsyncIterable<Batch>
  | Iterable<Batch>
  | (() => AsyncIterable<Batch> | Iterable<Batch>);

export function isTensorData(data: TrainData): data is Batch {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as Batch).x instanceof tf.Tensor &&
    (data as Batch).y instanceof tf.Tensor
  );
}

/** Validates `{x, y}` tensors; returns the number of examples. */
export function checkTensorData(data: Batch, argument: string): number {
  const n = data.x.shape[0];
  if (data.x.rank < 1 || n === undefined || data.y.shape[0] !== n) {
    throw new ShapeError('x and y must have the same number of examples (first dimension)', {
      argument,
      expected: `y.shape[0] === x.shape[0] (${n})`,
      receivedText: `x [${data.x.shape.join(', ')}], y [${data.y.shape.join(', ')}]`,
    });
  }
  if (n === 0)
    throw new ShapeError('no examples', { argument, expected: 'at least 1 example', received: 0 });
  return n;
}

/** Checks `data` is one of the accepted forms. */
export function checkTrainData(data: unknown, argument = 'data'): TrainData {
  if (data === null || data === undefined) {
    throw new ConfigError('missing data', {
      argument,
      expected: '{x, y} tensors or an iterable of batches',
      received: data,
    });
  }
  if (typeof data === 'function') return data as TrainData;
  const d = data as Record<PropertyKey, unknown>;
  if (isTensorData(d as unknown as TrainData)) return d as unknown as Batch;
  if (typeof d[Symbol.asyncIterator] === 'function' || typeof d[Symbol.iterator] === 'function') {
    return d as unknown as TrainData;
  }
  throw new ConfigError('unsupported data', {
    argument,
    expected: '{x, y} tensors, an (async) iterable of {x, y} batches, or a function returning one',
    received: data,
  });
}

/** Number of batches per epoch for tensor data. */
export function stepsFor(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/**
 * The batches of one epoch, each with `owned`: whether the consumer must dispose it.
 * Tensor data is sliced (or gathered in a seeded shuffled order, one `rng.permutation` per epoch).
 * `skip` leaves out the first batches of that order (the shuffle still draws from `rng` as usual);
 * an iterable's skipped batches are read and disposed.
 */
export async function* epochBatches(
  data: TrainData,
  options: { batchSize: number; shuffle: boolean; rng: Rng; skip?: number },
): AsyncGenerator<Batch> {
  const skip = options.skip ?? 0;
  if (isTensorData(data)) {
    const n = data.x.shape[0] as number;
    const order = options.shuffle ? options.rng.permutation(n) : undefined;
    for (let start = skip * options.batchSize; start < n; start += options.batchSize) {
      const end = Math.min(n, start + options.batchSize);
      if (order) {
        const idx = tf.tensor1d(order.subarray(start, end), 'int32');
        const batch = { x: tf.gather(data.x, idx), y: tf.gather(data.y, idx) };
        idx.dispose();
        yield batch;
      } else {
        yield { x: tf.slice(data.x, start, end - start), y: tf.slice(data.y, start, end - start) };
      }
    }
    return;
  }
  const source = typeof data === 'function' ? data() : data;
  let count = 0;
  for await (const b of source as AsyncIterable<Batch>) {
    if (!b || !(b.x instanceof tf.Tensor) || !(b.y instanceof tf.Tensor)) {
      throw new ConfigError('a batch is not {x, y} tensors', {
        argument: 'data',
        expected: '{x: Tensor, y: Tensor}',
        received: b,
      });
    }
    count += 1;
    if (count <= skip) tf.dispose([b.x, b.y]);
    else yield b;
  }
  if (skip > 0 && count <= skip) {
    throw new ConfigError(
      'the data has no batches left after those the checkpoint already trained',
      {
        argument: 'resumeFrom.batch',
        expected: `fewer than the ${count} batches the data yields per epoch`,
        received: skip,
      },
    );
  }
}

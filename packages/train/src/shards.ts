import type * as tf from '@tensorflow/tfjs-core';
import type { TensorMap } from '@trainkit/core';
import type { Batch } from './batches';

/**
 * The other replicas of a data-parallel `fit` step, seen from the training loop (the main
 * thread holds the master weights and runs the first shard; see data-parallel-fit.ts).
 */
export interface ShardSource {
  /** Engines that have computed steps together, the main thread included (1 until the replicas are ready). */
  readonly replicas: number;
  /**
   * Starts the other replicas on `batch` (they read the main model's current weights) without
   * waiting; returns how many of the first examples the main thread computes itself (all of
   * them when the batch cannot be split).
   */
  start(batch: Batch): number;
  /**
   * Waits for the replicas started by {@link start}. Also sets the main model's non-trainable
   * weights (BN moving statistics) to the shard-size-weighted mean over replicas. The tensors
   * returned are the caller's.
   */
  finish(): {
    /** Sum over the other shards of (shard size / batch size) x shard-mean gradient, by params key. */
    grads: TensorMap;
    /** The other shards' predictions, in batch order. */
    predictions: tf.Tensor;
  };
  /** Whether {@link start} handed work out (false: the main thread took the whole batch). */
  readonly split: boolean;
  dispose(): Promise<void>;
}

/** Opens a {@link ShardSource} when the first batch is known (shapes, dtypes); undefined: one engine. */
export type ShardFactory = (first: Batch) => Promise<ShardSource | undefined>;

// The shared-memory contract between createDataParallelTrainer (main thread) and
// data-parallel-worker.ts. Everything crosses threads through SharedArrayBuffers and Atomics;
// nothing is structured-cloned per step.
import * as tf from '@tensorflow/tfjs-core';

/**
 * The loss a shard minimises, as its mean over the shard (so shards combine weighted by size):
 * a `@trainkit/train` loss (`softmaxCrossEntropy()`, ...) fits this type.
 */
export type ShardLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

// Int32 control words.
export const SEQ = 0; // step counter, bumped by the main thread to start a step
export const CMD = 1; // what the bumped SEQ means
export const CMD_STEP = 1;
export const CMD_STOP = 2;
// Per worker i: DONE(i) = last finished SEQ (-1 after an error); its shard's [offset, size].
export const DONE = (i: number) => 2 + 3 * i;
export const SHARD_OFFSET = (i: number) => 3 + 3 * i;
export const SHARD_SIZE = (i: number) => 4 + 3 * i;
export const controlWords = (workers: number) => 2 + 3 * workers;
export const ERROR_BYTES = 4096;

/** What a worker receives once, at start-up (`workerData`). */
export interface WorkerInit {
  index: number;
  module: string;
  exportName: string;
  /** Passed to the export (structured-cloned once). */
  args?: unknown;
  /** Modules imported, and their `export` called, before the replica is built. */
  setup: { module: string; export: string }[];
  backend: 'wasm' | 'cpu';
  /** Per-example sizes of x, y and the model's output. */
  xSize: number;
  ySize: number;
  predSize: number;
  xShape: number[];
  yShape: number[];
  yDtype: 'float32' | 'int32';
  control: SharedArrayBuffer;
  /** Error text of this worker (UTF-8, NUL-padded). */
  error: SharedArrayBuffer;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  /** All weights, trainable then non-trainable ({@link modelWeights}), written by main. */
  weights: SharedArrayBuffer;
  /**
   * This worker's out: trainable gradients, then non-trainable weights, then the loss, then the
   * shard's predictions (`predSize` per example).
   */
  out: SharedArrayBuffer;
  /** Shapes of {@link modelWeights}; the first `trainableCount` are trainable. */
  weightShapes: number[][];
  trainableCount: number;
}

/**
 * What a replica export returns: the model, or the model and the loss each shard minimises (its
 * mean over the shard: shards combine weighted by their sizes).
 */
export type ReplicaBuild<M> = M | { model: M; loss: ShardLoss };

/** A model's weights in the order every replica uses: trainable, then non-trainable. */
export function modelWeights(model: {
  trainableWeights: { read(): tf.Tensor }[];
  nonTrainableWeights: { read(): tf.Tensor }[];
}) {
  const vars = [...model.trainableWeights, ...model.nonTrainableWeights].map(
    (w) => w.read() as tf.Variable,
  );
  return { vars, trainableCount: model.trainableWeights.length };
}

/** Copies `values` into the variables, which are packed back to back in `values`. */
export function loadInto(vars: tf.Variable[], values: Float32Array): void {
  let off = 0;
  for (const v of vars) {
    // slice(): a tensor must not alias shared memory the other thread rewrites.
    const t = tf.tensor(values.slice(off, off + v.size), v.shape, 'float32');
    v.assign(t);
    t.dispose();
    off += v.size;
  }
}

/** Packs the tensors' values back to back into `into`, from `offset`; returns the end. */
export function packInto(tensors: tf.Tensor[], into: Float32Array, offset = 0): number {
  let off = offset;
  for (const t of tensors) {
    into.set(t.dataSync() as Float32Array, off);
    off += t.size;
  }
  return off;
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  ConfigError,
  type Params,
  type RngState,
  type Serialized,
  ShapeError,
} from '@trainkit/core';

/** A tensor copied out of the device: shape, dtype and values. */
export interface SavedTensor {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * Everything needed to continue a run exactly: the weights, the optimizer state (its step is the
 * schedules' step), the epochs done, the update count and the data Rng. A plain in-memory object
 * (typed arrays inside: `structuredClone`-able); `saveCheckpoint` / `restoreCheckpoint` put it
 * in a directory in Node.
 */
export interface Checkpoint {
  kind: 'train.checkpoint';
  version: 1;
  /** Epochs completed (with `batch`: the unfinished epoch the run stopped in). */
  epoch: number;
  /**
   * Batches already trained in epoch `epoch` when the run stopped inside it (absent at an epoch
   * end). `rng` is then the state from the start of that epoch, before its shuffle, so a resumed
   * run rebuilds the same batch order and skips these batches.
   */
  batch?: number;
  /** Updates applied (the schedule step). */
  step: number;
  rng: RngState;
  weights: Record<string, SavedTensor>;
  optimizerState: Record<string, SavedTensor>;
  /** The gradient sums of an unfinished accumulation group (runs with `accumulateSteps > 1`). */
  accumulated?: Record<string, SavedTensor>;
  /** The optimizer's JSON, for the record (the state is only valid for the same optimizer). */
  optimizer?: Serialized;
}

/** Copies tensors to the host (asynchronously). */
export async function saveTensors(
  map: Record<string, tf.Tensor>,
): Promise<Record<string, SavedTensor>> {
  const entries = Object.entries(map);
  const values = await Promise.all(entries.map(([, t]) => t.data()));
  const out: Record<string, SavedTensor> = {};
  entries.forEach(([k, t], i) => {
    out[k] = {
      shape: [...t.shape],
      dtype: t.dtype as SavedTensor['dtype'],
      values: values[i] as SavedTensor['values'],
    };
  });
  return out;
}

/** Assigns saved values into the Variables of `target`, checking names and shapes. */
export function loadTensors(
  target: Record<string, tf.Variable>,
  saved: Record<string, SavedTensor>,
  argument: string,
): void {
  const want = Object.keys(target);
  const have = Object.keys(saved ?? {});
  const missing = want.filter((k) => !(k in (saved ?? {})));
  if (missing.length > 0 || have.length !== want.length) {
    throw new ConfigError('checkpoint does not match', {
      argument,
      expected: `entries ${JSON.stringify(want)}`,
      received: have,
    });
  }
  for (const k of want) {
    const v = target[k] as tf.Variable;
    const s = saved[k] as SavedTensor;
    if (s.shape.length !== v.shape.length || s.shape.some((d, i) => d !== v.shape[i])) {
      throw new ShapeError(`checkpoint entry "${k}" has the wrong shape`, {
        argument: `${argument}.${k}`,
        expected: `shape [${v.shape.join(', ')}]`,
        receivedText: `shape [${s.shape.join(', ')}]`,
      });
    }
    const t = tf.tensor(s.values, s.shape, s.dtype);
    v.assign(t);
    t.dispose();
  }
}

/** Checks a value is a {@link Checkpoint}. */
export function assertCheckpoint(c: unknown, argument = 'resumeFrom'): Checkpoint {
  const k = c as Checkpoint;
  if (k?.kind !== 'train.checkpoint' || k.version !== 1 || typeof k.step !== 'number') {
    throw new ConfigError('not a training checkpoint', {
      argument,
      expected: "{ kind: 'train.checkpoint', version: 1, ... }",
      received: c,
    });
  }
  assertNumber(`${argument}.epoch`, k.epoch, { min: 0, integer: true });
  if (k.batch !== undefined) assertNumber(`${argument}.batch`, k.batch, { min: 0, integer: true });
  if (
    k.accumulated !== undefined &&
    (k.accumulated === null || typeof k.accumulated !== 'object')
  ) {
    throw new ConfigError('checkpoint gradient sums are not a record of tensors', {
      argument: `${argument}.accumulated`,
      expected: 'Record<string, SavedTensor>',
      received: k.accumulated,
    });
  }
  return k;
}

/**
 * Restores the weights of a checkpoint into `params` (e.g. `modelParams(model)`), for inference
 * or evaluation; `fit(..., { resumeFrom })` restores everything else too.
 *
 * @example
 * restoreWeights(modelParams(model), checkpoint);
 */
export function restoreWeights(params: Params, checkpoint: Checkpoint): void {
  loadTensors(params, assertCheckpoint(checkpoint, 'checkpoint').weights, 'checkpoint.weights');
}

import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  ConfigError,
  type EpochEndEvent,
  type Params,
  type TensorMap,
  type TrainBeginEvent,
  type TrainingListener,
} from '@trainkit/core';
import { type ModelWithWeights, weightHandles } from './model-weights';

export interface WeightSnapshotsOptions {
  /**
   * Snapshot every weight of this model, batch-norm moving statistics included. Default: the
   * trainable weights the training run lends (`onTrainBegin`'s params).
   */
  model?: ModelWithWeights;
  /** Snapshot at the end of exactly these epochs (0-based). Overrides `startEpoch`/`everyEpochs`. */
  epochs?: number[];
  /** First epoch (0-based) snapshotted. Default 0. */
  startEpoch?: number;
  /** Snapshot every this many epochs from `startEpoch`. Default 1. */
  everyEpochs?: number;
}

/** A listener that keeps copies of the weights at chosen epochs, for checkpoint ensembles. */
export interface WeightSnapshots extends TrainingListener {
  /** The copies, in the order taken; owned by the listener until `dispose()`. */
  readonly snapshots: readonly TensorMap[];
  /** The epoch of each snapshot. */
  readonly epochs: readonly number[];
  /** Frees every snapshot. */
  dispose(): void;
}

/**
 * Keeps a copy of the weights at the end of chosen epochs of one run: the members of a snapshot
 * (checkpoint) ensemble (Huang et al. 2017, "Snapshot ensembles: train 1, get M for free"), used
 * with {@link snapshotEnsemble}.
 *
 * @example
 * const snaps = weightSnapshots({ model, epochs: [3, 4, 5] });
 * await fit(model, data, { ...options, epochs: 6, listeners: [snaps] });
 * const ensemble = snapshotEnsemble(model, snaps.snapshots, { output: 'logits' });
 */
export function weightSnapshots(options: WeightSnapshotsOptions = {}): WeightSnapshots {
  options ??= {};
  if (options.epochs !== undefined && !Array.isArray(options.epochs)) {
    throw new ConfigError('must be an array of epoch numbers', {
      argument: 'epochs',
      received: options.epochs,
    });
  }
  const chosen = options.epochs?.map((e, i) =>
    assertNumber(`epochs[${i}]`, e, { min: 0, integer: true }),
  );
  const startEpoch = assertNumber('startEpoch', options.startEpoch ?? 0, { min: 0, integer: true });
  const everyEpochs = assertNumber('everyEpochs', options.everyEpochs ?? 1, {
    min: 1,
    integer: true,
  });
  const model = options.model;
  if (model !== undefined) weightHandles(model, 'model');
  let params: Params | undefined;
  const snapshots: TensorMap[] = [];
  const epochs: number[] = [];
  return {
    snapshots,
    epochs,
    onTrainBegin(e: TrainBeginEvent) {
      params = e.params;
    },
    onEpochEnd(e: EpochEndEvent) {
      const take = chosen
        ? chosen.includes(e.epoch)
        : e.epoch >= startEpoch && (e.epoch - startEpoch) % everyEpochs === 0;
      const source = model ?? params;
      if (!take || !source) return;
      const copy: TensorMap = {};
      for (const [k, h] of Object.entries(weightHandles(source, 'model')))
        copy[k] = tf.clone(h.read());
      snapshots.push(copy);
      epochs.push(e.epoch);
    },
    dispose() {
      for (const s of snapshots) tf.dispose(Object.values(s));
      snapshots.length = 0;
      epochs.length = 0;
    },
  };
}

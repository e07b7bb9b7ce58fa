import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertOneOf,
  ConfigError,
  type EpochEndEvent,
  type Params,
  type Serialized,
  type TrainBeginEvent,
  type TrainEndEvent,
  type TrainingListener,
} from '@trainkit/core';

export type EarlyStoppingMode = 'min' | 'max' | 'auto';

export interface EarlyStoppingOptions {
  /** The logged metric to watch (any key of the epoch logs). Default `'val_loss'`. */
  monitor?: string;
  /** `'min'` (loss), `'max'` (accuracy) or `'auto'` (max when the name contains `acc`/`auc`). */
  mode?: EarlyStoppingMode;
  /** Epochs without improvement after which training stops, integer >= 0. Default 0. */
  patience?: number;
  /** The least change that counts as an improvement, >= 0. Default 0. */
  minDelta?: number;
  /** Keep a copy of the best parameters and restore them when training ends. Default false. */
  restoreBestWeights?: boolean;
  /** A value the metric must beat; until it does, the patience counter never resets. */
  baseline?: number;
}

/** The early-stopping listener, with what it has seen. */
export interface EarlyStopping extends TrainingListener {
  readonly kind: 'regularizers.earlyStopping';
  /** Best monitored value so far (`Infinity`/`-Infinity` before the first epoch). */
  readonly best: number;
  /** Epoch of the best value, or -1. */
  readonly bestEpoch: number;
  /** Epoch at which it asked training to stop, or -1. */
  readonly stoppedEpoch: number;
  /** Epochs since the last improvement. */
  readonly wait: number;
  toJSON(): Serialized;
}

/**
 * Early stopping (Prechelt 1998; Keras' `EarlyStopping` semantics): after each epoch, a value
 * improves when it beats the best by more than `minDelta`; after `patience` epochs in a row
 * without improvement it calls `stopTraining`. With `restoreBestWeights` it copies the parameters
 * (into its own Variables, with `assign`) at each improvement and writes the best ones back at
 * the end of training, whether training stopped early or ran out of epochs.
 * @example
 * await fit(model, data, { listeners: [earlyStopping({ patience: 3, restoreBestWeights: true })] });
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  const monitor = options.monitor ?? 'val_loss';
  if (typeof monitor !== 'string' || monitor.length === 0) {
    throw new ConfigError('must be a metric name', {
      argument: 'monitor',
      expected: "a non-empty string such as 'val_loss'",
      received: monitor,
    });
  }
  const modeOpt = assertOneOf('mode', options.mode ?? 'auto', ['min', 'max', 'auto'] as const);
  const mode: 'min' | 'max' =
    modeOpt === 'auto' ? (/acc|auc|precision|recall|f1/i.test(monitor) ? 'max' : 'min') : modeOpt;
  const patience = assertNumber('patience', options.patience ?? 0, { min: 0, integer: true });
  const minDelta = assertNumber('minDelta', options.minDelta ?? 0, { min: 0 });
  const restoreBestWeights = options.restoreBestWeights ?? false;
  if (typeof restoreBestWeights !== 'boolean') {
    throw new ConfigError('must be a boolean', {
      argument: 'restoreBestWeights',
      expected: 'true or false',
      received: restoreBestWeights,
    });
  }
  const baseline =
    options.baseline === undefined ? undefined : assertNumber('baseline', options.baseline);

  // "a improves on b": beyond minDelta in the monitored direction.
  const improves = (a: number, b: number) => (mode === 'min' ? a < b - minDelta : a > b + minDelta);

  let params: Params | undefined;
  let copies: Record<string, tf.Variable> | undefined;
  const state = { best: 0, bestEpoch: -1, stoppedEpoch: -1, wait: 0 };
  const reset = () => {
    state.best = mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    state.bestEpoch = -1;
    state.stoppedEpoch = -1;
    state.wait = 0;
  };
  reset();

  const snapshot = () => {
    if (!params) return;
    if (!copies) {
      copies = {};
      for (const [k, v] of Object.entries(params)) copies[k] = tf.variable(v, false);
    } else {
      for (const [k, v] of Object.entries(params)) copies[k]?.assign(v);
    }
  };
  const release = () => {
    if (copies) for (const v of Object.values(copies)) v.dispose();
    copies = undefined;
  };

  const listener: EarlyStopping = {
    kind: 'regularizers.earlyStopping',
    get best() {
      return state.best;
    },
    get bestEpoch() {
      return state.bestEpoch;
    },
    get stoppedEpoch() {
      return state.stoppedEpoch;
    },
    get wait() {
      return state.wait;
    },
    onTrainBegin(e: TrainBeginEvent) {
      reset();
      release();
      params = e.params;
    },
    onEpochEnd(e: EpochEndEvent) {
      const current = e.logs[monitor];
      if (current === undefined) {
        throw new ConfigError('the monitored metric is not in the epoch logs', {
          argument: 'monitor',
          expected: `one of ${Object.keys(e.logs).join(', ') || '(no logs)'}`,
          received: monitor,
        });
      }
      state.wait += 1;
      // NaN never improves (comparisons with NaN are false), so it counts toward patience.
      if (improves(current, state.best)) {
        state.best = current;
        state.bestEpoch = e.epoch;
        if (restoreBestWeights) snapshot();
        // Reset the counter only once the baseline is beaten too (Keras 3).
        if (baseline === undefined || improves(current, baseline)) state.wait = 0;
        return;
      }
      if (state.wait >= patience) {
        state.stoppedEpoch = e.epoch;
        e.stopTraining(
          `early stopping: ${monitor} did not improve for ${state.wait} epoch(s) (best ${state.best} at epoch ${state.bestEpoch})`,
        );
      }
    },
    onTrainEnd(_e: TrainEndEvent) {
      if (restoreBestWeights && params && copies) {
        for (const [k, v] of Object.entries(params)) {
          const c = copies[k];
          if (c) v.assign(c);
        }
      }
      release();
      params = undefined;
    },
    toJSON: () => {
      const json: Serialized = {
        kind: 'regularizers.earlyStopping',
        version: 1,
        monitor,
        mode: modeOpt,
        patience,
        minDelta,
        restoreBestWeights,
      };
      if (baseline !== undefined) json.baseline = baseline;
      return json;
    },
  };
  return listener;
}

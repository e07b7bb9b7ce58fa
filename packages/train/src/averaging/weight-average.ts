import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  type Params,
  type Serialized,
  ShapeError,
  StateError,
  type TensorMap,
  type TrainBeginEvent,
  type TrainingListener,
} from '@trainkit/core';

/**
 * A running average of a model's weights kept beside it (exponential or equal-weight), updated
 * by the training events and swapped into the model to evaluate or keep. The averaged values
 * live in `tf.Variable`s of their own; the model's weights are only touched by `applyTo` /
 * `restore`.
 */
export interface WeightAverage extends TrainingListener {
  /** How many weight vectors have been averaged so far. */
  readonly count: number;
  /** Whether the averaged weights are swapped into the model now (see `applyTo`). */
  readonly applied: boolean;
  /** Adds the current values of `params` to the average (for a loop of your own). */
  update(params: Params): void;
  /** The averaged weights as new tensors owned by the caller, keyed like the params. */
  averaged(): TensorMap;
  /**
   * Writes the averaged weights into `params` (default: those of the last training run), keeping
   * the current values to put back with `restore()`. Throws `StateError` before any update.
   */
  applyTo(params?: Params): void;
  /** Puts back the weights `applyTo` replaced. */
  restore(): void;
  /** Runs `fn` with the averaged weights swapped in, and restores the model's own afterwards. */
  withAveraged<T>(fn: () => T | Promise<T>, params?: Params): Promise<T>;
  /** Frees the average and any backup; weights swapped in by `applyTo` stay in the model. */
  dispose(): void;
  toJSON(): Serialized;
}

/** What differs between averages: how a new weight vector enters, and how the average is read. */
export interface AveragingRule {
  /** The next average of one weight (inside `tf.tidy`); `n` = vectors averaged before this one. */
  combine(avg: tf.Tensor, p: tf.Tensor, n: number): tf.Tensor;
  /** Called once per `update` after every weight was combined (`n` as in `combine`). */
  afterUpdate?(n: number): void;
  /** The average as read by the user (inside `tf.tidy`). */
  read(avg: tf.Tensor): tf.Tensor;
  /** The accumulator's start value for a weight (before the first `combine`). */
  initial(p: tf.Tensor): tf.Tensor;
}

/** The state and swapping shared by {@link WeightAverage}s; subclasses decide when to update. */
export abstract class AveragedWeights implements WeightAverage {
  protected params: Params | undefined;
  private avg: Record<string, tf.Variable> | undefined;
  private backup: { params: Params; values: Record<string, tf.Tensor> } | undefined;
  private n = 0;
  private disposed = false;

  constructor(private readonly rule: AveragingRule) {}

  get count(): number {
    return this.n;
  }
  get applied(): boolean {
    return this.backup !== undefined;
  }

  onTrainBegin(e: TrainBeginEvent): void {
    this.params = e.params;
  }

  update(params: Params): void {
    this.checkLive();
    if (this.backup) {
      throw new StateError('cannot average while the averaged weights are swapped in', {
        argument: 'params',
        expected: 'restore() before training or updating again',
      });
    }
    checkParams(params, 'params');
    const names = Object.keys(params);
    if (!this.avg) {
      const avg: Record<string, tf.Variable> = {};
      for (const k of names) {
        const init = tf.tidy(() => this.rule.initial(params[k] as tf.Tensor));
        avg[k] = tf.variable(init, false);
        init.dispose(); // the Variable holds its own reference to the data
      }
      this.avg = avg;
    } else checkSameNames(this.avg, params, 'params');
    const avg = this.avg;
    const n = this.n;
    tf.tidy(() => {
      for (const k of names) {
        const a = avg[k] as tf.Variable;
        a.assign(this.rule.combine(a, params[k] as tf.Tensor, n));
      }
    });
    this.rule.afterUpdate?.(n);
    this.n = n + 1;
  }

  averaged(): TensorMap {
    const avg = this.requireAverage();
    const out: TensorMap = {};
    for (const [k, a] of Object.entries(avg)) out[k] = tf.tidy(() => this.rule.read(a));
    return out;
  }

  applyTo(params?: Params): void {
    const avg = this.requireAverage();
    if (this.backup) {
      throw new StateError('the averaged weights are already swapped in', {
        argument: 'applyTo',
        expected: 'restore() before applying again',
      });
    }
    const target = params ?? this.params;
    if (!target) {
      throw new StateError('no parameters to write to', {
        argument: 'params',
        expected: 'the params, or an average that has seen a training run (onTrainBegin)',
      });
    }
    checkParams(target, 'params');
    checkSameNames(avg, target, 'params');
    const values: Record<string, tf.Tensor> = {};
    for (const [k, p] of Object.entries(target)) {
      values[k] = tf.clone(p);
      tf.tidy(() => p.assign(this.rule.read(avg[k] as tf.Variable)));
    }
    this.backup = { params: target, values };
  }

  restore(): void {
    const b = this.backup;
    if (!b) {
      throw new StateError('nothing to restore', {
        argument: 'restore',
        expected: 'a previous applyTo()',
      });
    }
    for (const [k, p] of Object.entries(b.params)) p.assign(b.values[k] as tf.Tensor);
    tf.dispose(Object.values(b.values));
    this.backup = undefined;
  }

  async withAveraged<T>(fn: () => T | Promise<T>, params?: Params): Promise<T> {
    this.applyTo(params);
    try {
      return await fn();
    } finally {
      this.restore();
    }
  }

  dispose(): void {
    // Weights swapped in stay in the model (apply, then dispose = keep the average).
    if (this.backup) tf.dispose(Object.values(this.backup.values));
    this.backup = undefined;
    tf.dispose(Object.values(this.avg ?? {}));
    this.avg = undefined;
    this.disposed = true;
  }

  abstract toJSON(): Serialized;

  private checkLive(): void {
    if (this.disposed) {
      throw new StateError('the weight average was disposed', { argument: 'this' });
    }
  }

  private requireAverage(): Record<string, tf.Variable> {
    this.checkLive();
    if (!this.avg) {
      throw new StateError('no weights have been averaged yet', {
        argument: 'count',
        expected: 'at least one update (training past the start, or update(params))',
        received: 0,
      });
    }
    return this.avg;
  }
}

function checkParams(params: unknown, argument: string): asserts params is Params {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new ConfigError('must be a map of weight names to tf.Variables', {
      argument,
      expected: '{ [name]: tf.Variable } (e.g. modelParams(model))',
      received: params,
    });
  }
  for (const [k, v] of Object.entries(params)) {
    if (!(v instanceof tf.Variable)) {
      throw new ConfigError(`weight "${k}" is not a tf.Variable`, {
        argument: `${argument}["${k}"]`,
        expected: 'a tf.Variable',
        received: v,
      });
    }
  }
}

function checkSameNames(avg: Record<string, tf.Tensor>, params: Params, argument: string): void {
  const a = Object.keys(avg);
  const b = Object.keys(params);
  const missing = a.filter((k) => !(k in params));
  const extra = b.filter((k) => !(k in avg));
  if (missing.length || extra.length) {
    throw new ConfigError('the weights differ from those averaged', {
      argument,
      expected: `the ${a.length} weights ${a.slice(0, 4).join(', ')}${a.length > 4 ? ', ...' : ''}`,
      receivedText: `missing ${missing.join(', ') || 'none'}; unknown ${extra.join(', ') || 'none'}`,
    });
  }
  for (const k of a) {
    const s = (avg[k] as tf.Tensor).shape;
    const t = (params[k] as tf.Tensor).shape;
    if (s.join() !== t.join()) {
      throw new ShapeError(`weight "${k}" changed shape`, {
        argument: `${argument}["${k}"]`,
        expected: `shape [${s.join(', ')}]`,
        receivedText: `shape [${t.join(', ')}]`,
      });
    }
  }
}

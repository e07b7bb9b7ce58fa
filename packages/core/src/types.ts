import type { NamedTensorMap, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Serialized } from './serialization';

/**
 * A model's trainable weights: an ordered map (insertion order is the model's weight order)
 * from stable names such as `conv2d_1/kernel` to tfjs `Variable`s. Optimizers, monitors and
 * transfer speak of weights by these names.
 */
export type Params = Record<string, Variable>;

/** Gradients, updates or any per-parameter tensors, keyed like {@link Params}. */
export type TensorMap = NamedTensorMap;

/** A learning-rate (or any hyper-parameter) schedule: pure, `step` counts from 0. */
export type Schedule = ((step: number) => number) & { toJSON?(): Serialized };

/** A hyper-parameter that is either fixed or scheduled. */
export type HyperParam = number | Schedule;

/** The value of a hyper-parameter at `step`. */
export function resolveHyper(h: HyperParam, step: number): number {
  return typeof h === 'function' ? h(step) : h;
}

/** Optimizer state: a flat map of tensors. The owner keeps it in Variables and `assign`s. */
export type TransformState = Record<string, Tensor>;

/** What the owner of the state tells a transformation about the current update. */
export interface UpdateContext {
  /** How many updates were applied before this one (0 on the first). */
  step: number;
}

/**
 * An optax-style gradient transformation. `update` is pure: it returns **new** tensors for
 * the updates and the next state (it is called inside `tf.tidy`; it must not dispose its inputs).
 * Updates are **added** to the parameters: `params[k] += updates[k]` (so SGD's update is `-lr * g`).
 *
 * @example
 * const opt = chain(clipByGlobalNorm(1), adam({ learningRate: 1e-3 }));
 * let state = opt.init(params);
 * const { updates, state: next } = opt.update(grads, state, params, { step: 0 });
 */
export interface GradientTransformation<S extends TransformState = TransformState> {
  readonly kind: string;
  init(params: TensorMap): S;
  update(
    grads: TensorMap,
    state: S,
    params: TensorMap | undefined,
    ctx: UpdateContext,
  ): { updates: TensorMap; state: S };
  toJSON(): Serialized;
}

/** A loss penalty on the parameters (L1, L2, elastic net): returns a scalar added to the loss. */
export type Penalty = ((params: TensorMap) => Scalar) & { toJSON?(): Serialized };

/**
 * A constraint projected onto a weight after each update (max-norm, non-negativity):
 * returns the new value of the weight. `appliesTo` (a name pattern) restricts it.
 */
export type Constraint = ((weight: Tensor, name: string) => Tensor) & {
  appliesTo?: string | RegExp;
  toJSON?(): Serialized;
};

/**
 * A fitted data transformation (preprocess). `fit` estimates from all of `x`; `partialFit`
 * accumulates over batches (streaming); `transform` / `inverseTransform` return new tensors.
 */
export interface Transform {
  /** `true` once `fit` (or at least one `partialFit`) has run. */
  readonly fitted: boolean;
  fit(x: Tensor): this;
  partialFit(batch: Tensor): this;
  transform(x: Tensor): Tensor;
  inverseTransform(x: Tensor): Tensor;
  toJSON(): Serialized;
}

/** Logs of numbers keyed by metric name (`loss`, `acc`, `val_loss`, ...). */
export type Logs = Record<string, number>;

/** Lets a listener end training after the current step. */
export interface Stoppable {
  stopTraining(reason?: string): void;
}

export interface TrainBeginEvent extends Stoppable {
  params: Params;
  epochs: number;
  /** Steps per epoch when known. */
  stepsPerEpoch?: number;
  /** The step training (re)starts at: > 0 on a resumed run. */
  initialStep: number;
}

export interface EpochBeginEvent extends Stoppable {
  epoch: number;
  step: number;
}

/**
 * What a training step lends to listeners. **Lent** tensors are valid only during the call:
 * a listener that keeps one clones it (`tf.clone`) and disposes the clone itself.
 */
export interface BatchEvent extends Stoppable {
  epoch: number;
  /** Batch index within the epoch. */
  batch: number;
  /** Global step (number of updates applied, this one included, minus one). */
  step: number;
  batchSize: number;
  /** The step's loss (lent). */
  loss: Scalar;
  /** Gradients of the loss by parameter name (lent); absent under the tfjs `fit` adapter. */
  grads?: TensorMap;
  /** The updates added to the parameters this step (lent); absent under the tfjs adapter. */
  updates?: TensorMap;
  /** The parameters after the update (the live Variables; do not dispose). */
  params: Params;
  /** Learning rate used at this step, when the optimizer has one. */
  learningRate?: number;
  /** Per-step metrics as lent scalars (`acc`, ...). */
  metrics?: Record<string, Scalar>;
  /** Wall-clock duration of the step in ms, when measured. */
  stepTimeMs?: number;
}

export interface EpochEndEvent extends Stoppable {
  epoch: number;
  step: number;
  /** Epoch means of training metrics and validation metrics (`val_` prefix). */
  logs: Logs;
}

export interface TrainEndEvent {
  epoch: number;
  step: number;
  logs: Logs;
  /** Why training ended early, if it did (`stopTraining(reason)`, NaN loss, ...). */
  stopReason?: string;
}

/** A training listener (callback); every hook is optional and may be async. */
export interface TrainingListener {
  onTrainBegin?(e: TrainBeginEvent): void | Promise<void>;
  onEpochBegin?(e: EpochBeginEvent): void | Promise<void>;
  onBatchEnd?(e: BatchEvent): void | Promise<void>;
  onEpochEnd?(e: EpochEndEvent): void | Promise<void>;
  onTrainEnd?(e: TrainEndEvent): void | Promise<void>;
}

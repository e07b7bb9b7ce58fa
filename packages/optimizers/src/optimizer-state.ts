import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  ConfigError,
  type GradientTransformation,
  type Params,
  ShapeError,
  StateError,
  type TensorMap,
} from '@trainkit/core';
import { flushOf, type Hyperparams, hyperparamsOf } from './transformation';

export interface OptimizerStateOptions {
  /** The count to start from (a restored run): updates already applied. Default 0. */
  count?: number;
}

export interface StepOptions {
  /** Return copies of the updates added to the parameters (the caller disposes them). Default false. */
  keepUpdates?: boolean;
}

/**
 * The one owner of a {@link GradientTransformation}'s state (used by `fit`, by the tfjs
 * `Optimizer` adapter and by data-parallel training): the state tensors live in `tf.Variable`s
 * updated with `assign`, so memory stays flat; the step count lives here too (as optax keeps
 * `count` in its states), so no caller passes or counts steps. Transformations read it as
 * `ctx.step`; wrappers such as {@link multiSteps} derive their own from it.
 *
 * @example
 * const opt = new OptimizerState(adam({ learningRate: 1e-3 }), params);
 * for (...) { const grads = tf.grads(...); opt.step(grads); tf.dispose(Object.values(grads)); }
 * opt.count; // updates applied so far
 * opt.hyperparams.learningRate; // 1e-3
 */
export class OptimizerState {
  /** The state tensors (Variables; do not dispose), keyed as the transformation's `init` keys them. */
  readonly state: Record<string, tf.Variable> = {};
  private counted: number;
  private last: Hyperparams | undefined;
  private disposed = false;
  // tf.variableGrads keys gradients by tf.Variable name: accept those too.
  private readonly keyOfVariable: Map<string, string>;

  constructor(
    readonly transform: GradientTransformation,
    readonly params: Params,
    options: OptimizerStateOptions = {},
  ) {
    if (
      !transform ||
      typeof transform.init !== 'function' ||
      typeof transform.update !== 'function'
    ) {
      throw new ConfigError('not a gradient transformation', {
        argument: 'transform',
        expected: 'an object with init() and update()',
        received: transform,
      });
    }
    if (!params || typeof params !== 'object') {
      throw new ConfigError('params must be a record of tf.Variables', {
        argument: 'params',
        expected: 'Record<string, tf.Variable>',
        received: params,
      });
    }
    this.counted = assertNumber('options.count', options.count ?? 0, { min: 0, integer: true });
    for (const [k, t] of Object.entries(transform.init(params))) {
      this.state[k] = tf.variable(t, false);
      t.dispose();
    }
    this.keyOfVariable = new Map(Object.entries(params).map(([k, v]) => [v.name, k]));
  }

  /** Updates applied so far (the step the transformations see next). */
  get count(): number {
    return this.counted;
  }

  /** Alias of {@link count}. */
  get stepCount(): number {
    return this.counted;
  }

  /** Sets the count (restoring a checkpoint). */
  setStepCount(step: number): void {
    this.counted = assertNumber('step', step, { min: 0, integer: true });
  }

  /** The hyper-parameters the next update uses (`learningRate`, ... as the transformation declares them). */
  get hyperparams(): Hyperparams {
    return hyperparamsOf(this.transform, { step: this.counted });
  }

  /** The hyper-parameters the last update used (those of the next one before any update). */
  get lastHyperparams(): Hyperparams {
    return this.last ?? this.hyperparams;
  }

  /**
   * Computes the updates for `grads` (tidied), adds them to the parameters, assigns the new
   * state and advances the count. Nothing is read back to JS. `grads` stay the caller's; they
   * may be keyed like `params` or by the Variables' names (as `tf.variableGrads` returns).
   * Returns the updates when `keepUpdates` (the caller's to dispose).
   */
  step(grads: TensorMap, options: StepOptions = {}): TensorMap | undefined {
    this.assertLive();
    const ctx = { step: this.counted };
    this.last = hyperparamsOf(this.transform, ctx);
    const kept = tf.tidy(() => {
      const r = this.transform.update(this.byParamKey(grads), this.state, this.params, ctx);
      this.apply(r.updates, r.state, 'grads');
      return options.keepUpdates ? r.updates : {};
    });
    this.counted += 1;
    return options.keepUpdates ? kept : undefined;
  }

  /**
   * Applies what the transformation held back (an unfinished {@link multiSteps} group, e.g. at
   * the end of an epoch) and advances the count past it. Returns whether anything was applied.
   */
  flush(): boolean {
    this.assertLive();
    const flush = flushOf(this.transform);
    if (!flush) return false;
    const ctx = { step: this.counted };
    let steps = 0;
    tf.tidy(() => {
      const r = flush(this.state, this.params, ctx);
      if (!r) return;
      this.apply(r.updates, r.state, 'transform');
      steps = r.steps;
    });
    this.counted += steps;
    return steps > 0;
  }

  /**
   * Assigns saved state values (keys and shapes as {@link state}) and the count, e.g. from a
   * checkpoint or tfjs `setWeights`. The tensors stay the caller's.
   */
  restore(values: Record<string, tf.Tensor>, count: number): void {
    this.assertLive();
    const want = Object.keys(this.state);
    const have = Object.keys(values ?? {});
    if (want.length !== have.length || want.some((k) => !(k in values))) {
      throw new ConfigError('saved optimizer state does not match', {
        argument: 'values',
        expected: `entries ${JSON.stringify(want)}`,
        received: have,
      });
    }
    for (const k of want) {
      const v = this.state[k] as tf.Variable;
      const t = values[k] as tf.Tensor;
      if (!tf.util.arraysEqual(v.shape, t.shape)) {
        throw new ShapeError(`saved optimizer state "${k}" has the wrong shape`, {
          argument: `values.${k}`,
          expected: `shape [${v.shape.join(', ')}]`,
          receivedText: `shape [${t.shape.join(', ')}]`,
        });
      }
    }
    for (const k of want) (this.state[k] as tf.Variable).assign(values[k] as tf.Tensor);
    this.setStepCount(count);
  }

  /** Frees the state Variables. */
  dispose(): void {
    this.disposed = true;
    tf.dispose(Object.values(this.state));
  }

  private assertLive(): void {
    if (this.disposed) throw new StateError('optimizer state was disposed', { argument: 'this' });
  }

  private byParamKey(grads: TensorMap): TensorMap {
    if (Object.keys(grads).every((k) => k in this.params)) return grads;
    const out: TensorMap = {};
    for (const [k, g] of Object.entries(grads))
      out[k in this.params ? k : (this.keyOfVariable.get(k) ?? k)] = g;
    return out;
  }

  private apply(updates: TensorMap, next: TensorMap, argument: string): void {
    for (const [k, u] of Object.entries(updates)) {
      const p = this.params[k];
      if (!p) {
        throw new ConfigError(`update for unknown parameter "${k}"`, {
          argument,
          expected: `keys among ${Object.keys(this.params).join(', ')}`,
          received: k,
        });
      }
      p.assign(tf.add(p, u));
    }
    for (const [k, v] of Object.entries(this.state)) {
      const t = next[k];
      if (!t) {
        throw new ConfigError(`optimizer update lost state entry "${k}"`, {
          argument: 'transform',
          expected: 'update() to return the same state keys as init()',
          received: Object.keys(next),
        });
      }
      if (t !== v) v.assign(t);
    }
  }
}

/**
 * Owns the state of `transform` for a hand-written loop (see {@link OptimizerState}).
 * @example
 * const opt = createOptimizerState(adam({ learningRate: 1e-3 }), params);
 * for (...) { const grads = tf.grads(...); opt.step(grads); tf.dispose(Object.values(grads)); }
 */
export function createOptimizerState(
  transform: GradientTransformation,
  params: Params,
  options?: OptimizerStateOptions,
): OptimizerState {
  return new OptimizerState(transform, params, options);
}

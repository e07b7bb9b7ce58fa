import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  type GradientTransformation,
  type Params,
  StateError,
  type TensorMap,
} from '@trainkit/core';

/** A transformation's state, owned: kept in Variables and advanced by {@link OptimizerState.step}. */
export interface OptimizerState {
  readonly transform: GradientTransformation;
  /** The state tensors (Variables; do not dispose). */
  readonly state: Record<string, tf.Variable>;
  /** Number of updates applied so far. */
  readonly stepCount: number;
  /**
   * Computes the updates for `grads` (tidied), adds them to the parameters and assigns the new
   * state, then increments the step. Nothing is read back to JS. `grads` stay the caller's;
   * they may be keyed like `params` or by the Variables' names (as `tf.variableGrads` returns).
   */
  step(grads: TensorMap): void;
  /** Sets the step counter (e.g. when restoring a checkpoint). */
  setStepCount(step: number): void;
  /** Frees the state Variables. */
  dispose(): void;
}

/**
 * Owns the state of `transform` for a hand-written loop: state in `tf.Variable`s updated with
 * `assign`, so memory stays flat over any number of steps.
 * @example
 * const opt = createOptimizerState(adam({ learningRate: 1e-3 }), params);
 * for (...) { const grads = tf.grads(...); opt.step(grads); tf.dispose(Object.values(grads)); }
 */
export function createOptimizerState(
  transform: GradientTransformation,
  params: Params,
): OptimizerState {
  if (!transform || typeof transform.update !== 'function') {
    throw new ConfigError('not a gradient transformation', {
      argument: 'transform',
      expected: 'an object with init() and update()',
      received: transform,
    });
  }
  const state: Record<string, tf.Variable> = {};
  const init = transform.init(params);
  for (const [k, t] of Object.entries(init)) {
    state[k] = tf.variable(t, false);
    t.dispose();
  }
  // tf.variableGrads keys gradients by tf.Variable name: accept those too.
  const keyOfVariable = new Map(Object.entries(params).map(([k, v]) => [v.name, k]));
  const byParamKey = (grads: TensorMap): TensorMap => {
    if (Object.keys(grads).every((k) => k in params)) return grads;
    const out: TensorMap = {};
    for (const [k, g] of Object.entries(grads))
      out[k in params ? k : (keyOfVariable.get(k) ?? k)] = g;
    return out;
  };
  let stepCount = 0;
  let disposed = false;
  return {
    transform,
    state,
    get stepCount() {
      return stepCount;
    },
    step(grads) {
      if (disposed) throw new StateError('optimizer state was disposed', { argument: 'this' });
      tf.tidy(() => {
        const r = transform.update(byParamKey(grads), state, params, { step: stepCount });
        for (const [k, u] of Object.entries(r.updates)) {
          const p = params[k];
          if (!p) {
            throw new ConfigError(`update for unknown parameter "${k}"`, {
              argument: 'grads',
              expected: `keys among ${Object.keys(params).join(', ')}`,
              received: k,
            });
          }
          p.assign(tf.add(p, u));
        }
        for (const [k, v] of Object.entries(state)) {
          const t = r.state[k];
          if (t && t !== v) v.assign(t);
        }
      });
      stepCount++;
    },
    setStepCount(step) {
      stepCount = step;
    },
    dispose() {
      disposed = true;
      tf.dispose(Object.values(state));
    },
  };
}

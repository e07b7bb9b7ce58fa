import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type GradientTransformation, type TensorMap } from '@trainkit/core';
import { gate } from './gate';

/**
 * Owns a {@link GradientTransformation}'s state for the training loop: every state tensor lives
 * in a `tf.Variable`, and each step `assign`s the new values, so memory stays flat.
 */
export class OptimizerState {
  readonly vars: Record<string, tf.Variable>;

  constructor(
    readonly optimizer: GradientTransformation,
    params: TensorMap,
  ) {
    const init = optimizer.init(params);
    this.vars = {};
    for (const [k, t] of Object.entries(init)) {
      this.vars[k] = tf.variable(t, false);
      t.dispose();
    }
  }

  /** The state as the transformation expects it (the Variables themselves). */
  get tensors(): Record<string, tf.Tensor> {
    return this.vars;
  }

  /** Assigns `next`, keeping the old value where `keep` (a bool scalar) is false. */
  assign(next: Record<string, tf.Tensor>, ok?: tf.Tensor): void {
    for (const [k, v] of Object.entries(this.vars)) {
      const t = next[k];
      if (!t) {
        throw new ConfigError(`optimizer update lost state entry "${k}"`, {
          argument: 'optimizer',
          expected: 'update() to return the same state keys as init()',
          received: Object.keys(next),
        });
      }
      if (t === v) continue;
      v.assign(ok ? gate(ok, t, v) : t);
    }
  }

  dispose(): void {
    tf.dispose(Object.values(this.vars));
  }
}

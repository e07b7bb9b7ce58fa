import type * as tf from '@tensorflow/tfjs-core';
import type { Constraint, GradientTransformation, Params, TensorMap } from '@trainkit/core';
import {
  applyIfFinite,
  chain,
  multiSteps,
  OptimizerState,
  projectConstraints,
} from '@trainkit/optimizers';
import { type Checkpoint, loadTensors, saveTensors } from './checkpoint';

export interface FitOptimizerOptions {
  constraints: Constraint[];
  accumulateSteps: number;
}

/**
 * `fit`'s optimizer: the user's transformation composed with what a training run adds, owned by
 * one {@link OptimizerState} (which keeps the count):
 * `applyIfFinite(multiSteps(chain(optimizer, projectConstraints(constraints)), k), { halt })`,
 * each part only when used. `halt`: the loop stops on the first non-finite step, learning of it a
 * step later, so no update after it may land. This class only names the parts for the loop and
 * maps the state to the checkpoint's fields (`optimizerState`: the user's transformation's state
 * keyed as its `init` keys it, `accumulated`: the gradient sums of an unfinished group).
 */
export class FitOptimizer {
  readonly owner: OptimizerState;
  private readonly k: number;
  /** State-key prefix of the user's transformation, and of the gradient sums. */
  private readonly inner: string;
  private readonly acc: string | undefined;

  constructor(
    readonly optimizer: GradientTransformation,
    params: Params,
    options: FitOptimizerOptions,
  ) {
    this.k = options.accumulateSteps;
    let t: GradientTransformation = optimizer;
    let inner = '';
    if (options.constraints.length > 0) {
      t = chain(t, projectConstraints(options.constraints));
      inner = '0/';
    }
    if (this.k > 1) {
      t = multiSteps(t, { everySteps: this.k });
      inner = `inner/${inner}`;
    }
    this.owner = new OptimizerState(applyIfFinite(t, { halt: true }), params);
    this.inner = `inner/${inner}`;
    this.acc = this.k > 1 ? 'inner/acc/' : undefined;
  }

  /** Updates applied (a group of `accumulateSteps` micro-batches counts once): the schedules' step. */
  get step(): number {
    return Math.floor(this.owner.count / this.k);
  }

  /** Whether the next {@link update} applies an update (the last micro-batch of a group). */
  get applies(): boolean {
    return (this.owner.count + 1) % this.k === 0;
  }

  /** The learning rate of the last update, when the optimizer declares one. */
  get learningRate(): number | undefined {
    return this.owner.lastHyperparams.learningRate;
  }

  /** 1 when the last gradient was finite, else 0 (a Variable of the state: clone to keep). */
  get lastFinite(): tf.Variable {
    return this.owner.state.lastFinite as tf.Variable;
  }

  /** One call of the transformation; returns the updates when `keep` (the caller's). */
  update(grads: TensorMap, keep: boolean): TensorMap | undefined {
    return this.owner.step(grads, { keepUpdates: keep });
  }

  /** Applies an unfinished accumulation group (the end of an epoch). */
  flush(): void {
    this.owner.flush();
  }

  /** The checkpoint fields of the state. */
  async save(): Promise<Pick<Checkpoint, 'optimizerState' | 'accumulated'>> {
    const optimizerState = await saveTensors(this.part(this.inner));
    if (!this.acc) return { optimizerState };
    return { optimizerState, accumulated: await saveTensors(this.part(this.acc)) };
  }

  /**
   * Restores a checkpoint's state. The count is rebuilt from the updates applied and the
   * batches of the unfinished group (groups restart every epoch). A checkpoint without
   * `accumulated` starts the group's sums at zero.
   */
  load(c: Checkpoint): void {
    loadTensors(this.part(this.inner), c.optimizerState, 'resumeFrom.optimizerState');
    if (this.acc && c.accumulated)
      loadTensors(this.part(this.acc), c.accumulated, 'resumeFrom.accumulated');
    this.owner.setStepCount(c.step * this.k + ((c.batch ?? 0) % this.k));
  }

  dispose(): void {
    this.owner.dispose();
  }

  private part(prefix: string): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [k, v] of Object.entries(this.owner.state))
      if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    return out;
  }
}

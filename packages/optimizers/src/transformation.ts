import type {
  GradientTransformation,
  TensorMap,
  TransformState,
  UpdateContext,
} from '@trainkit/core';

/** The hyper-parameters a transformation uses at a step (`learningRate`, `weightDecay`, ...). */
export type Hyperparams = Record<string, number>;

/** What {@link Transformation.flush} returns: an update made of what was held back. */
export interface FlushResult {
  updates: TensorMap;
  state: TransformState;
  /** Steps of the owner's count this flush stands for (it advances the count by this much). */
  steps: number;
}

/**
 * A {@link GradientTransformation} with the optional parts the state owner
 * ({@link OptimizerState}) understands besides `init`/`update`:
 * - `hyperparams(ctx)`: the hyper-parameters `update` uses at `ctx.step`, as plain numbers
 *   (optax `inject_hyperparams`: the learning rate is read from the optimizer, not its JSON).
 * - `flush(state, params, ctx)`: applies what the transformation held back (the gradients of an
 *   unfinished {@link multiSteps} group), or `undefined` when it holds nothing.
 * Wrappers (`chain`, `named`, `freeze`, ...) pass both through to what they wrap.
 */
export interface Transformation<S extends TransformState = TransformState>
  extends GradientTransformation<S> {
  hyperparams?(ctx: UpdateContext): Hyperparams;
  flush?(state: S, params: TensorMap | undefined, ctx: UpdateContext): FlushResult | undefined;
}

/** The hyper-parameters of `t` at `ctx` (empty when it declares none). */
export function hyperparamsOf(t: GradientTransformation, ctx: UpdateContext): Hyperparams {
  return (t as Transformation).hyperparams?.(ctx) ?? {};
}

/** `t.flush`, when `t` has one. */
export function flushOf(t: GradientTransformation): Transformation['flush'] {
  return (t as Transformation).flush;
}

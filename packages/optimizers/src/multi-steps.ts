import * as tf from '@tensorflow/tfjs-core';
import {
  assertPositiveInt,
  ConfigError,
  type GradientTransformation,
  type TensorMap,
  type TransformState,
  type UpdateContext,
} from '@trainkit/core';
import { slot } from './per-param';
import { nest, subState } from './sub-state';
import { type FlushResult, flushOf, type Transformation } from './transformation';

export interface MultiStepsOptions {
  /** Gradients accumulated per update of the inner transformation (k >= 1). */
  everySteps: number;
}

/**
 * Gradient accumulation (optax `MultiSteps`): sums the gradients of `everySteps` calls and, on
 * every k-th, hands their mean to `inner` and returns its updates; the other calls return zero
 * updates and leave `inner`'s state alone. `inner` sees its own step, `floor(step / k)`, so its
 * schedules and bias corrections count real updates. `flush` applies an unfinished group as the
 * mean of the gradients it holds (a loop does this at the end of an epoch) and advances the
 * owner's count to the next group. State: `acc/<name>` (the running sums), `inner/...`.
 * @example
 * // batches of 8 training like batches of 32
 * const opt = multiSteps(adam({ learningRate: 1e-3 }), { everySteps: 4 });
 */
export function multiSteps(
  inner: GradientTransformation,
  options: MultiStepsOptions,
): Transformation {
  if (!inner || typeof inner.init !== 'function' || typeof inner.update !== 'function') {
    throw new ConfigError('not a gradient transformation', {
      argument: 'inner',
      expected: 'an object with init() and update()',
      received: inner,
    });
  }
  const k = assertPositiveInt('everySteps', options?.everySteps);
  const innerCtx = (ctx: UpdateContext): UpdateContext => ({ step: Math.floor(ctx.step / k) });
  const emit = (
    sums: TensorMap,
    count: number,
    state: TransformState,
    params: TensorMap | undefined,
    ctx: UpdateContext,
  ) => {
    const mean: TensorMap = {};
    for (const [name, s] of Object.entries(sums)) mean[name] = tf.div(s, count);
    const r = inner.update(mean, subState(state, 'inner'), params, innerCtx(ctx));
    const next: TransformState = {};
    for (const name of Object.keys(sums))
      next[`acc/${name}`] = tf.zerosLike(sums[name] as tf.Tensor);
    for (const [key, t] of Object.entries(state))
      if (key.startsWith('acc/') && !next[key]) next[key] = t;
    return { updates: r.updates, state: nest(next, 'inner', r.state) };
  };
  return {
    kind: 'optimizers.multiSteps',
    init: (params) => {
      const s: TransformState = {};
      for (const [name, p] of Object.entries(params)) s[`acc/${name}`] = tf.zerosLike(p);
      return nest(s, 'inner', inner.init(params));
    },
    update: (grads, state, params, ctx) => {
      const sums: TensorMap = {};
      for (const [name, g] of Object.entries(grads))
        sums[name] = tf.add(slot(state, 'acc', name), g);
      if (ctx.step % k === k - 1) return emit(sums, k, state, params, ctx);
      const updates: TensorMap = {};
      const next: TransformState = { ...state };
      for (const [name, g] of Object.entries(grads)) {
        updates[name] = tf.zerosLike(g);
        next[`acc/${name}`] = sums[name] as tf.Tensor;
      }
      return { updates, state: next };
    },
    flush: (state, params, ctx): FlushResult | undefined => {
      const held = ctx.step % k;
      if (held === 0) {
        // Nothing held here; something inside may hold updates back.
        const innerFlush = flushOf(inner);
        const r = innerFlush?.(subState(state, 'inner'), params, innerCtx(ctx));
        if (!r) return undefined;
        const next: TransformState = {};
        for (const [key, t] of Object.entries(state)) if (key.startsWith('acc/')) next[key] = t;
        return { updates: r.updates, state: nest(next, 'inner', r.state), steps: r.steps * k };
      }
      const sums: TensorMap = {};
      for (const [key, t] of Object.entries(state))
        if (key.startsWith('acc/')) sums[key.slice(4)] = t;
      return { ...emit(sums, held, state, params, ctx), steps: k - held };
    },
    hyperparams: (ctx) => (inner as Transformation).hyperparams?.(innerCtx(ctx)) ?? {},
    toJSON: () => ({
      kind: 'optimizers.multiSteps',
      version: 1,
      everySteps: k,
      inner: inner.toJSON(),
    }),
  };
}

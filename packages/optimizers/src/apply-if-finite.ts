import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  ConfigError,
  type GradientTransformation,
  type TensorMap,
  type TransformState,
} from '@trainkit/core';
import { gate, gateOrZero } from './gate';
import { nest, subState } from './sub-state';
import { flushOf, type Transformation } from './transformation';

export interface ApplyIfFiniteOptions {
  /**
   * After this many non-finite gradients in a row the next ones are applied anyway (optax's
   * `max_consecutive_errors`, so a run cannot stall for ever). Default `Infinity`: never.
   */
  maxConsecutiveErrors?: number;
  /**
   * Skip every update after the first non-finite gradient too, keeping the parameters and the
   * state of the last finite step: for a loop that stops on the first non-finite step but learns
   * of it asynchronously, a step or two later (`fit`). Default false.
   */
  halt?: boolean;
}

/**
 * Applies `inner` only when every gradient is finite (optax `apply_if_finite`): on a NaN or
 * infinite gradient the updates are zero and `inner`'s state is left as it was, decided on the
 * device (nothing is read back). State: `notFiniteCount` (non-finite gradients in a row),
 * `lastFinite` (1 when the last gradient was finite, else 0), `totalNotFinite`, and `inner/...`;
 * read them at logging time to report skipped steps.
 * @example const opt = applyIfFinite(adam({ learningRate: 1e-3 }), { maxConsecutiveErrors: 5 });
 */
export function applyIfFinite(
  inner: GradientTransformation,
  options: ApplyIfFiniteOptions = {},
): Transformation {
  if (!inner || typeof inner.init !== 'function' || typeof inner.update !== 'function') {
    throw new ConfigError('not a gradient transformation', {
      argument: 'inner',
      expected: 'an object with init() and update()',
      received: inner,
    });
  }
  const maxConsecutiveErrors =
    options.maxConsecutiveErrors === undefined ||
    options.maxConsecutiveErrors === Number.POSITIVE_INFINITY
      ? Number.POSITIVE_INFINITY
      : assertNumber('maxConsecutiveErrors', options.maxConsecutiveErrors, {
          min: 0,
          integer: true,
        });
  const halt = options.halt ?? false;
  /** Where `apply` (a bool scalar), the inner result; else zero updates and the old inner state. */
  const select = (
    apply: tf.Tensor,
    r: { updates: TensorMap; state: TransformState },
    old: TransformState,
  ) => {
    const updates: TensorMap = {};
    for (const [k, u] of Object.entries(r.updates)) updates[k] = gateOrZero(apply, u);
    const state: TransformState = {};
    for (const [k, t] of Object.entries(r.state)) {
      const before = old[k];
      state[k] = before === undefined || before === t ? t : gate(apply, t, before);
    }
    return { updates, state };
  };
  return {
    kind: 'optimizers.applyIfFinite',
    init: (params) => {
      const s: TransformState = {
        notFiniteCount: tf.scalar(0),
        lastFinite: tf.scalar(1),
        totalNotFinite: tf.scalar(0),
      };
      return nest(s, 'inner', inner.init(params));
    },
    update: (grads, state, params, ctx) => {
      // sum(g * 0) is 0 for finite g and NaN as soon as one element is NaN or infinite.
      let probe: tf.Tensor = tf.scalar(0);
      for (const g of Object.values(grads)) probe = tf.add(probe, tf.sum(tf.mul(g, 0)));
      const finite = tf.isFinite(probe);
      const notFiniteCount = tf.where(
        finite,
        tf.scalar(0),
        tf.add(state.notFiniteCount as tf.Tensor, 1),
      );
      const totalBefore = state.totalNotFinite as tf.Tensor;
      const total = tf.where(finite, totalBefore, tf.add(totalBefore, 1));
      const apply = halt
        ? tf.logicalAnd(finite, tf.equal(totalBefore, 0))
        : tf.logicalOr(finite, tf.greater(notFiniteCount, maxConsecutiveErrors));
      const old = subState(state, 'inner');
      const r = select(apply, inner.update(grads, old, params, ctx), old);
      const next: TransformState = {
        notFiniteCount,
        lastFinite: tf.cast(finite, 'float32'),
        totalNotFinite: total,
      };
      return { updates: r.updates, state: nest(next, 'inner', r.state) };
    },
    flush: (state, params, ctx) => {
      const r = flushOf(inner)?.(subState(state, 'inner'), params, ctx);
      if (!r) return undefined;
      const next: TransformState = {};
      for (const [k, t] of Object.entries(state)) if (!k.startsWith('inner/')) next[k] = t;
      if (halt) {
        const apply = tf.equal(state.totalNotFinite as tf.Tensor, 0);
        const old = subState(state, 'inner');
        const s = select(apply, r, old);
        return { updates: s.updates, state: nest(next, 'inner', s.state), steps: r.steps };
      }
      return { updates: r.updates, state: nest(next, 'inner', r.state), steps: r.steps };
    },
    hyperparams: (ctx) => (inner as Transformation).hyperparams?.(ctx) ?? {},
    toJSON: () => ({
      kind: 'optimizers.applyIfFinite',
      version: 1,
      maxConsecutiveErrors: Number.isFinite(maxConsecutiveErrors) ? maxConsecutiveErrors : null,
      halt,
      inner: inner.toJSON(),
    }),
  };
}

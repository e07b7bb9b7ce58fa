import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  type GradientTransformation,
  matchesName,
  namePattern,
  type TensorMap,
  type TransformState,
  type UpdateContext,
} from '@trainkit/core';
import { checkPatterns } from './patterns';
import { flushOf, hyperparamsOf, type Transformation } from './transformation';

/**
 * Scales the updates of `inner` per parameter by the multiplier of the first pattern (core
 * `matchesName` glob, in insertion order) that matches the parameter's name; 1 when none does.
 * A pattern matching no parameter is a ConfigError at `init`. Typical use: smaller steps for
 * pretrained layers when fine-tuning.
 * @example multiplyLearningRates({ 'conv*': 0.1, 'head/**': 1 }, adam({ learningRate: 1e-3 }))
 */
export function multiplyLearningRates(
  multipliers: Record<string, number>,
  inner: GradientTransformation,
): Transformation {
  const innerFlush = flushOf(inner);
  const entries = Object.entries(multipliers ?? {});
  for (const [p, m] of entries) {
    namePattern(p);
    assertNumber(`multipliers["${p}"]`, m, { min: 0 });
  }
  const factor = (name: string) => entries.find(([p]) => matchesName(p, name))?.[1] ?? 1;
  const scaled = (updates: TensorMap): TensorMap => {
    const out: TensorMap = {};
    for (const [k, u] of Object.entries(updates)) {
      const f = factor(k);
      out[k] = f === 1 ? u : tf.mul(u, f);
    }
    return out;
  };
  return {
    kind: 'optimizers.multiplyLearningRates',
    init: (params) => {
      checkPatterns(
        'multipliers',
        entries.map(([p]) => p),
        Object.keys(params),
      );
      return inner.init(params);
    },
    update: (grads, state, params, ctx) => {
      const r = inner.update(grads, state, params, ctx);
      return { updates: scaled(r.updates), state: r.state };
    },
    hyperparams: (ctx) => hyperparamsOf(inner, ctx),
    ...(innerFlush
      ? {
          flush: (state: TransformState, params: TensorMap | undefined, ctx: UpdateContext) => {
            const r = innerFlush(state, params, ctx);
            return r && { ...r, updates: scaled(r.updates) };
          },
        }
      : {}),
    toJSON: () => ({
      kind: 'optimizers.multiplyLearningRates',
      version: 1,
      multipliers: Object.fromEntries(entries),
      inner: inner.toJSON(),
    }),
  };
}

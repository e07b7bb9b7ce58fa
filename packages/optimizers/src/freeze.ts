import * as tf from '@tensorflow/tfjs-core';
import {
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
 * Freezes the parameters whose names match `pattern` (a glob or a list of globs): their
 * updates are zero and `inner` keeps **no state** for them (it never sees them). A pattern
 * matching no parameter is a ConfigError at `init`.
 * @example freeze(['conv2d_1', 'conv2d_2'], adam({ learningRate: 1e-3 }))
 */
export function freeze(pattern: string | string[], inner: GradientTransformation): Transformation {
  const innerFlush = flushOf(inner);
  const patterns = Array.isArray(pattern) ? pattern : [pattern];
  for (const p of patterns) namePattern(p);
  const frozen = (name: string) => patterns.some((p) => matchesName(p, name));
  const thawed = (m: TensorMap | undefined): TensorMap | undefined => {
    if (!m) return m;
    const out: TensorMap = {};
    for (const [k, t] of Object.entries(m)) if (!frozen(k)) out[k] = t;
    return out;
  };
  return {
    kind: 'optimizers.freeze',
    init: (params) => {
      checkPatterns('pattern', patterns, Object.keys(params));
      return inner.init(thawed(params) as TensorMap);
    },
    update: (grads, state, params, ctx) => {
      const r = inner.update(thawed(grads) as TensorMap, state, thawed(params), ctx);
      const updates: TensorMap = {};
      for (const [k, g] of Object.entries(grads)) {
        updates[k] = frozen(k) ? tf.zerosLike(g) : (r.updates[k] as tf.Tensor);
      }
      return { updates, state: r.state };
    },
    hyperparams: (ctx) => hyperparamsOf(inner, ctx),
    ...(innerFlush
      ? {
          flush: (state: TransformState, params: TensorMap | undefined, ctx: UpdateContext) =>
            innerFlush(state, thawed(params), ctx),
        }
      : {}),
    toJSON: () => ({
      kind: 'optimizers.freeze',
      version: 1,
      pattern: patterns,
      inner: inner.toJSON(),
    }),
  };
}

import type { GradientTransformation, Serialized, TransformState } from '@trainkit/core';
import { flushOf, hyperparamsOf, type Transformation } from './transformation';

/**
 * Gives a composed transformation (usually a `chain`) a recipe's `kind` and serialized form,
 * so `adam({...}).toJSON()` is `{ kind: 'optimizers.adam', ...options }` rather than the chain.
 */
export function named<S extends TransformState>(
  kind: string,
  inner: GradientTransformation<S>,
  json: () => Record<string, unknown>,
): Transformation<S> {
  const flush = flushOf(inner);
  return {
    kind,
    init: (params) => inner.init(params),
    update: (grads, state, params, ctx) => inner.update(grads, state, params, ctx),
    hyperparams: (ctx) => hyperparamsOf(inner, ctx),
    ...(flush ? { flush: (state: S, params, ctx) => flush(state, params, ctx) } : {}),
    toJSON: (): Serialized => ({ kind, version: 1, ...json() }),
  };
}

import type { GradientTransformation, Serialized, TransformState } from '@trainkit/core';

/**
 * Gives a composed transformation (usually a `chain`) a recipe's `kind` and serialized form,
 * so `adam({...}).toJSON()` is `{ kind: 'optimizers.adam', ...options }` rather than the chain.
 */
export function named<S extends TransformState>(
  kind: string,
  inner: GradientTransformation<S>,
  json: () => Record<string, unknown>,
): GradientTransformation<S> {
  return {
    kind,
    init: (params) => inner.init(params),
    update: (grads, state, params, ctx) => inner.update(grads, state, params, ctx),
    toJSON: (): Serialized => ({ kind, version: 1, ...json() }),
  };
}

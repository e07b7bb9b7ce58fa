import type { Tensor } from '@tensorflow/tfjs-core';
import type { TensorMap, TransformState } from '@trainkit/core';
import { StateError } from '@trainkit/core';

/** `prefix/name` -> `name` for every key of `state` that starts with `prefix/`. */
export function slotNames(state: TransformState, prefix: string): string[] {
  const p = `${prefix}/`;
  return Object.keys(state)
    .filter((k) => k.startsWith(p))
    .map((k) => k.slice(p.length));
}

/** The state tensor `prefix/name`, or a StateError naming it. */
export function slot(state: TransformState, prefix: string, name: string): Tensor {
  const t = state[`${prefix}/${name}`];
  if (!t) {
    throw new StateError(`missing optimizer state "${prefix}/${name}"`, {
      argument: 'state',
      expected: `the state returned by init() for a parameter named "${name}"`,
      received: Object.keys(state),
    });
  }
  return t;
}

/** Copies every state entry through unchanged (for parameters that got no gradient). */
export function passThrough(state: TransformState): TransformState {
  return { ...state };
}

/** Maps every gradient through `fn` (stateless transforms). */
export function mapGrads(grads: TensorMap, fn: (g: Tensor, name: string) => Tensor): TensorMap {
  const out: TensorMap = {};
  for (const [k, g] of Object.entries(grads)) out[k] = fn(g, k);
  return out;
}

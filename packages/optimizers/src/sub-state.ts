import type { TransformState } from '@trainkit/core';

/** The entries of `state` under `prefix/`, with the prefix taken off. */
export function subState(state: TransformState, prefix: string): TransformState {
  const p = `${prefix}/`;
  const out: TransformState = {};
  for (const [k, t] of Object.entries(state)) if (k.startsWith(p)) out[k.slice(p.length)] = t;
  return out;
}

/** Puts every entry of `inner` under `prefix/` in `into`. */
export function nest(into: TransformState, prefix: string, inner: TransformState): TransformState {
  for (const [k, t] of Object.entries(inner)) into[`${prefix}/${k}`] = t;
  return into;
}

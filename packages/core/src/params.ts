import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { ConfigError } from './errors';
import { matchesName } from './glob';
import type { Params } from './types';

/** The part of a tfjs-layers `LayerVariable` that trainkit relies on (no layers import needed). */
export interface LayerVariableLike {
  readonly name: string;
  readonly originalName?: string;
  readonly trainable: boolean;
  /** The backing tensor (a `Variable` at run time in tfjs-layers). */
  read(): Tensor;
}
/** The part of a tfjs-layers model (or layer) trainkit relies on. */
export interface ModelLike {
  readonly trainableWeights: LayerVariableLike[];
  readonly weights?: LayerVariableLike[];
}

/**
 * A model's trainable weights as {@link Params}, in the model's order, keyed by the layer
 * variable's original name (`conv2d_1/kernel`). Duplicate names (two models built in one
 * process can collide) get a `#2`, `#3` suffix so no weight is lost.
 */
export function modelParams(model: ModelLike): Params {
  if (!model || !Array.isArray(model.trainableWeights)) {
    throw new ConfigError('not a tfjs-layers model or layer', {
      argument: 'model',
      expected: 'an object with trainableWeights (a LayersModel)',
      received: model,
    });
  }
  const out: Params = {};
  for (const w of model.trainableWeights) {
    const base = w.originalName ?? w.name;
    let key = base;
    for (let k = 2; key in out; k++) key = `${base}#${k}`;
    out[key] = w.read() as Variable;
  }
  return out;
}

/** The entries of `params` whose names match any of `patterns` (see {@link matchesName}). */
export function selectParams<T>(
  params: Record<string, T>,
  patterns: string | RegExp | (string | RegExp)[],
): Record<string, T> {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  const out: Record<string, T> = {};
  for (const [name, v] of Object.entries(params)) {
    if (list.some((p) => matchesName(p, name))) out[name] = v;
  }
  return out;
}

import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { ConfigError } from './errors';
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

// Parameter selection by name: the patterns optimizers, regularizers and transfer use to pick
// weights (`conv*/kernel`, `head/**`, `/regex/`).

/**
 * Compiles a parameter-name pattern to a RegExp. `*` matches within one path segment,
 * `**` across segments, `?` one character; a pattern wrapped in slashes (`/conv\d+/`) is a
 * regular expression. Names look like `conv2d_1/kernel`.
 * @example namePattern('conv*').test('conv2d_1/kernel') // false: '*' stops at '/'
 * @example namePattern('conv*\/**').test('conv2d_1/kernel') // true
 */
export function namePattern(pattern: string): RegExp {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new ConfigError('a name pattern must be a non-empty string', {
      argument: 'pattern',
      expected: "a glob such as 'conv*/kernel' or a /regex/",
      received: pattern,
    });
  }
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    try {
      return new RegExp(pattern.slice(1, -1));
    } catch (cause) {
      throw new ConfigError('invalid regular expression', {
        argument: 'pattern',
        received: pattern,
        cause,
      });
    }
  }
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Does `name` match `pattern`? A glob matches the whole name, or the name's prefix up to a
 * `/` (so `'conv1'` matches `conv1/kernel` and `conv1/bias`, like a layer name).
 */
export function matchesName(pattern: string | RegExp, name: string): boolean {
  const re = typeof pattern === 'string' ? namePattern(pattern) : pattern;
  if (re.test(name)) return true;
  if (typeof pattern === 'string' && !pattern.startsWith('/')) {
    const parts = name.split('/');
    for (let k = parts.length - 1; k >= 1; k--)
      if (re.test(parts.slice(0, k).join('/'))) return true;
  }
  return false;
}

import { assertNumber, ConfigError } from '@trainkit/core';
import {
  type Choice,
  contains,
  type Distribution,
  type FloatDistribution,
  type IntDistribution,
  internalBounds,
} from './distributions';
import type { SearchSpace } from './search-space';
import type { FrozenTrial } from './trial';

export interface NarrowSpaceOptions {
  /** Default 'minimize'. */
  direction?: 'minimize' | 'maximize';
  /**
   * The best trials the new space is drawn around: a count (>= 1), or a fraction in (0, 1) of
   * the complete trials. Default 0.2 of them, at least 3 (or all when fewer).
   */
  top?: number;
  /** Padding on each side, as a fraction of the best trials' spread (log scale where the range is log). Default 0.25. */
  margin?: number;
  /** Smallest width of a narrowed numeric range, as a fraction of the original width. Default 0.1. */
  minWidth?: number;
}

/**
 * Coarse-to-fine search (the lecture's "random search first, then a grid"; Bergstra & Bengio
 * 2012): a smaller space around the best complete trials of a finished study. Each numeric range
 * shrinks to the span of the best trials' values, padded by `margin` of that span (and to at
 * least `minWidth` of the original range), in log space for log ranges, never past the original
 * bounds, snapped outwards onto its step grid; each categorical keeps the choices the best
 * trials used. Parameters the best trials never had (conditional ones) keep their range. Turn
 * the result into a grid with `spaceGrid`.
 * @example
 * const fine = narrowSpace(coarse.trials, space, { direction: 'maximize', top: 5 });
 * const grid = spaceGrid(fine, { points: 4 }); // then gridSampler(grid)
 */
export function narrowSpace(
  trials: readonly FrozenTrial[],
  space: SearchSpace,
  options: NarrowSpaceOptions = {},
): SearchSpace {
  const direction = options.direction ?? 'minimize';
  if (direction !== 'minimize' && direction !== 'maximize') {
    throw new ConfigError('direction must be minimize or maximize', {
      argument: 'direction',
      expected: "'minimize' | 'maximize'",
      received: direction,
    });
  }
  const margin = assertNumber('margin', options.margin ?? 0.25, { min: 0 });
  const minWidth = assertNumber('minWidth', options.minWidth ?? 0.1, { min: 0, max: 1 });
  const sign = direction === 'minimize' ? 1 : -1;
  const done = trials
    .filter((t) => t.state === 'complete' && Number.isFinite(t.values?.[0]))
    .sort((a, b) => sign * (a.values![0]! - b.values![0]!));
  if (done.length === 0) {
    throw new ConfigError('no complete trial to narrow the space around', {
      argument: 'trials',
      expected: 'at least 1 complete trial',
      received: trials.length,
    });
  }
  let k: number;
  if (options.top === undefined)
    k = Math.min(done.length, Math.max(3, Math.ceil(0.2 * done.length)));
  else {
    const top = assertNumber('top', options.top, { min: 0, exclusiveMin: true });
    if (top < 1) k = Math.max(1, Math.ceil(top * done.length));
    else k = Math.min(done.length, assertNumber('top', top, { integer: true }));
  }
  const best = done.slice(0, k);
  const out: SearchSpace = {};
  for (const [name, d] of Object.entries(space)) {
    const values = best
      .filter((t) => name in t.params && contains(d, t.params[name]))
      .map((t) => t.params[name]);
    out[name] = values.length === 0 ? d : narrowOne(d, values, margin, minWidth);
  }
  return out;
}

function narrowOne(
  d: Distribution,
  values: unknown[],
  margin: number,
  minWidth: number,
): Distribution {
  if (d.type === 'categorical') {
    const used = new Set(values as Choice[]);
    return { type: 'categorical', choices: d.choices.filter((c) => used.has(c)) };
  }
  const [lo0, hi0] = internalBounds(d);
  const xs = (values as number[]).map((v) => (d.log ? Math.log(v) : v));
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const pad = Math.max(margin * (hi - lo), (minWidth * (hi0 - lo0) - (hi - lo)) / 2, 0);
  const back = (x: number) => (d.log ? Math.exp(x) : x);
  // A side cut by an original bound passes its excess to the other side (the width stays).
  let a = lo - pad;
  let b = hi + pad;
  if (a < lo0) {
    b = Math.min(hi0, b + (lo0 - a));
    a = lo0;
  }
  if (b > hi0) {
    a = Math.max(lo0, a - (b - hi0));
    b = hi0;
  }
  // At an original bound, that bound exactly (exp(log(x)) need not give x back).
  let low = a <= lo0 ? d.low : Math.max(d.low, back(a));
  let high = b >= hi0 ? d.high : Math.min(d.high, back(b));
  const step = d.step;
  if (step !== undefined) {
    // Outwards onto the original grid low + k * step.
    low = d.low + Math.floor((low - d.low) / step + 1e-9) * step;
    high = Math.min(d.high, d.low + Math.ceil((high - d.low) / step - 1e-9) * step);
  } else if (d.type === 'int') {
    low = Math.floor(low);
    high = Math.ceil(high);
  }
  if (d.type === 'int') return { ...(d as IntDistribution), low, high };
  return { ...(d as FloatDistribution), low, high };
}

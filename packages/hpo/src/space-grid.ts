import { assertNumber, ConfigError } from '@trainkit/core';
import { type Choice, internalBounds } from './distributions';
import type { SearchSpace } from './search-space';

/**
 * A grid over a search space for `gridSampler`: `points` values evenly spaced over each numeric
 * range (in log space for log ranges; both ends included; snapped to the step grid of stepped
 * ranges, integers rounded, duplicates dropped; floats kept to 4 significant digits inside the
 * range), and every choice of each categorical.
 * @example gridSampler(spaceGrid({ lr: float(1e-3, 1e-1, { log: true }), opt: categorical(['sgd', 'adam']) }, { points: 3 }))
 * // lr: [0.001, 0.01, 0.1], opt: ['sgd', 'adam']: 6 points
 */
export function spaceGrid(
  space: SearchSpace,
  options: { points?: number } = {},
): Record<string, Choice[]> {
  const points = assertNumber('points', options.points ?? 3, { min: 1, integer: true });
  const grid: Record<string, Choice[]> = {};
  for (const [name, d] of Object.entries(space)) {
    if (d?.type === 'categorical') {
      grid[name] = [...d.choices];
      continue;
    }
    if (d?.type !== 'float' && d?.type !== 'int') {
      throw new ConfigError(`space.${name} is not a distribution`, {
        argument: `space.${name}`,
        expected: "{ type: 'float' | 'int' | 'categorical', ... }",
        received: d,
      });
    }
    const [lo, hi] = internalBounds(d);
    const values: number[] = [];
    for (let i = 0; i < points; i++) {
      const x = points === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (points - 1);
      let v = d.log ? Math.exp(x) : x;
      const step = d.step;
      if (step !== undefined) v = d.low + Math.round((v - d.low) / step) * step;
      if (d.type === 'int') v = Math.round(v);
      else if (step === undefined) v = Number(v.toPrecision(4));
      v = Math.min(d.high, Math.max(d.low, v));
      if (step !== undefined && d.type === 'float') v = Number(v.toPrecision(12));
      if (!values.includes(v)) values.push(v);
    }
    grid[name] = values;
  }
  return grid;
}

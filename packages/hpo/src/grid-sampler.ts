import { ConfigError } from '@trainkit/core';
import type { Choice, ParamValue } from './distributions';
import type { Sampler } from './sampler';

/**
 * Grid search: every combination of the given values, in a deterministic order (the first
 * parameter varies slowest). Points are claimed atomically when a trial is created, so parallel
 * workers never run the same point, a resumed study continues where it stopped, and a failed
 * point is run once more; the study ends when every point has run.
 * @example gridSampler({ learningRate: [1e-3, 1e-2, 1e-1], dropout: [0, 0.5] })
 */
export function gridSampler(grid: Record<string, readonly Choice[]>): Sampler {
  const names = Object.keys(grid);
  if (names.length === 0)
    throw new ConfigError('the grid is empty', {
      argument: 'grid',
      expected: 'at least one parameter',
    });
  for (const n of names) {
    if (!Array.isArray(grid[n]) || grid[n]!.length === 0) {
      throw new ConfigError('every grid parameter needs values', {
        argument: `grid.${n}`,
        expected: 'a non-empty array',
        received: grid[n],
      });
    }
  }
  const size = names.reduce((a, n) => a * grid[n]!.length, 1);
  const point = (id: number): Record<string, ParamValue> => {
    const out: Record<string, ParamValue> = {};
    let rest = id;
    for (let i = names.length - 1; i >= 0; i--) {
      const values = grid[names[i]!]!;
      out[names[i]!] = values[rest % values.length]!;
      rest = Math.floor(rest / values.length);
    }
    return out;
  };
  return {
    kind: 'hpo.gridSampler',
    reserve(state) {
      // A point is taken once a trial ran (or runs) it; a failed point is retried once.
      const failures = new Map<number, number>();
      const taken = new Set<number>();
      for (const t of state.trials) {
        if (t.gridId === undefined) continue;
        if (t.state !== 'failed') taken.add(t.gridId);
        else failures.set(t.gridId, (failures.get(t.gridId) ?? 0) + 1);
      }
      for (let id = 0; id < size; id++)
        if (!taken.has(id) && (failures.get(id) ?? 0) < 2) return { gridId: id };
      return { done: true };
    },
    sample(name, d, ctx) {
      const id = ctx.trial.gridId;
      if (id === undefined)
        throw new ConfigError('grid trial without a grid point', { argument: 'trial' });
      if (!(name in grid)) {
        throw new ConfigError(`parameter "${name}" is not in the grid`, {
          argument: 'name',
          expected: names.join(', '),
          received: name,
        });
      }
      const v = point(id)[name]!;
      if (d.type !== 'categorical' && typeof v === 'number' && (v < d.low || v > d.high)) {
        throw new ConfigError(`grid value ${v} of "${name}" lies outside the suggested range`, {
          argument: `grid.${name}`,
          expected: `[${d.low}, ${d.high}]`,
          received: v,
        });
      }
      return v;
    },
    toJSON: () => ({ kind: 'hpo.gridSampler', version: 1, grid }),
  };
}

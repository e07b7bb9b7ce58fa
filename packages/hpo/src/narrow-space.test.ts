import { isTrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { categorical, float, int } from './distributions';
import { gridSampler } from './grid-sampler';
import { narrowSpace } from './narrow-space';
import { randomSampler } from './random-sampler';
import { suggestSpace } from './search-space';
import { spaceGrid } from './space-grid';
import { createStudy } from './study';
import type { FrozenTrial } from './trial';

const space = {
  lr: float(1e-4, 1e-1, { log: true }),
  batchSize: int(16, 128, { step: 16 }),
  optimizer: categorical(['sgd', 'momentum', 'adam']),
  dropout: float(0, 0.5),
  width: int(8, 64, { log: true }),
};

function trial(number: number, value: number, params: Record<string, unknown>): FrozenTrial {
  return {
    number,
    state: 'complete',
    params: params as FrozenTrial['params'],
    distributions: {},
    values: [value],
    intermediate: {},
    userAttrs: {},
    startedAt: 0,
  };
}

const trials: FrozenTrial[] = [
  trial(0, 0.81, { lr: 1e-3, batchSize: 32, optimizer: 'adam', dropout: 0.2, width: 16 }),
  trial(1, 0.85, { lr: 1e-2, batchSize: 64, optimizer: 'sgd', dropout: 0.2, width: 16 }),
  trial(2, 0.4, { lr: 1e-1, batchSize: 128, optimizer: 'momentum', dropout: 0.5, width: 64 }),
  trial(3, 0.1, { lr: 1e-4, batchSize: 16, optimizer: 'momentum', dropout: 0, width: 8 }),
  { ...trial(4, 0.99, { lr: 0.05 }), state: 'failed' },
];

describe('narrowSpace (coarse-to-fine)', () => {
  it('shrinks each range around the best trials (by hand: top 2 of a maximized study)', () => {
    const fine = narrowSpace(trials, space, { direction: 'maximize', top: 2 });
    // lr: log10 span [-3, -2] padded by 0.25 of it on each side -> 10^-3.25 .. 10^-1.75.
    expect(fine.lr).toMatchObject({ type: 'float', log: true });
    expect((fine.lr as { low: number }).low).toBeCloseTo(10 ** -3.25, 12);
    expect((fine.lr as { high: number }).high).toBeCloseTo(10 ** -1.75, 12);
    // batchSize: [32, 64] +- 8 = [24, 72], outwards onto 16 + 16k: [16, 80].
    expect(fine.batchSize).toEqual({ type: 'int', low: 16, high: 80, log: false, step: 16 });
    // optimizer: the choices the best two used, in the original order.
    expect(fine.optimizer).toEqual({ type: 'categorical', choices: ['sgd', 'adam'] });
    // dropout: one value, so the minimum width 0.1 * 0.5 around it: [0.175, 0.225].
    expect((fine.dropout as { low: number }).low).toBeCloseTo(0.175, 12);
    expect((fine.dropout as { high: number }).high).toBeCloseTo(0.225, 12);
    // width: one value 16 in a log range [8, 64]: 16 * (64/8)^(+-0.05) = [14.42, 17.75] -> [14, 18].
    expect(fine.width).toEqual({ type: 'int', low: 14, high: 18, log: true, step: 1 });
  });

  it('minimizes by default, takes a fraction as top, keeps parameters the best trials lack', () => {
    const fine = narrowSpace(trials, { ...space, extra: float(0, 1) }, { top: 0.25 });
    // the lowest value (0.1, trial 3) alone; its lr sits on the range's low end.
    expect((fine.lr as { low: number }).low).toBe(1e-4);
    expect((fine.lr as { high: number }).high).toBeCloseTo(1e-4 * 10 ** 0.3, 9);
    expect(fine.optimizer).toEqual({ type: 'categorical', choices: ['momentum'] });
    expect(fine.extra).toEqual(float(0, 1));
  });

  it('refuses a study without complete trials and bad options, naming the argument', () => {
    const arg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(isTrainkitError(e)).toBe(true);
        return (e as { argument?: string }).argument;
      }
      return 'no error';
    };
    expect(arg(() => narrowSpace([trials[4]!], space))).toBe('trials');
    expect(arg(() => narrowSpace(trials, space, { top: 0 }))).toBe('top');
    expect(arg(() => narrowSpace(trials, space, { margin: -1 }))).toBe('margin');
    expect(arg(() => narrowSpace(trials, space, { direction: 'up' as 'minimize' }))).toBe(
      'direction',
    );
    expect(arg(() => spaceGrid({ a: { type: 'weird' } as never }))).toBe('space.a');
    expect(arg(() => spaceGrid(space, { points: 0 }))).toBe('points');
  });
});

describe('spaceGrid', () => {
  it('spaces points evenly (log ranges in log space), snaps steps and integers, keeps choices', () => {
    const grid = spaceGrid(
      {
        lr: float(1e-3, 1e-1, { log: true }),
        batchSize: int(16, 128, { step: 16 }),
        momentum: float(0.5, 0.9),
        width: int(8, 64, { log: true }),
        optimizer: categorical(['sgd', 'adam']),
        tiny: int(1, 2),
      },
      { points: 3 },
    );
    expect(grid).toEqual({
      lr: [0.001, 0.01, 0.1],
      batchSize: [16, 80, 128], // the middle 72 snaps to 16 + 16 * round(3.5) = 80
      momentum: [0.5, 0.7, 0.9],
      width: [8, 23, 64], // sqrt(8 * 64) = 22.6
      optimizer: ['sgd', 'adam'],
      tiny: [1, 2], // 1, 1.5 -> 2, 2: duplicates dropped
    });
  });

  it('drives a grid study over a narrowed space: every point once, values inside the ranges', async () => {
    const fine = narrowSpace(trials, space, { direction: 'maximize', top: 2 });
    const { width: _w, dropout: _d, batchSize: _b, ...small } = fine;
    const grid = spaceGrid(small, { points: 2 });
    const study = await createStudy({ direction: 'maximize', sampler: gridSampler(grid) });
    await study.optimize(async (t) => {
      const p = await suggestSpace(t, small);
      return (p.lr as number) * (p.optimizer === 'adam' ? 2 : 1);
    });
    expect(study.trials.map((t) => t.params)).toHaveLength(4);
    const seen = new Set(study.trials.map((t) => JSON.stringify(t.params)));
    expect(seen.size).toBe(4);
    expect(study.trials.every((t) => t.state === 'complete')).toBe(true);
  });

  it('suggestSpace suggests every parameter with its distribution', async () => {
    const study = await createStudy({ sampler: randomSampler(), seed: 3 });
    await study.optimize(
      async (t) => {
        const p = await suggestSpace(t, space);
        expect(Object.keys(p)).toEqual(Object.keys(space));
        expect(t.params).toEqual(p);
        return 0;
      },
      { nTrials: 3 },
    );
    expect(study.trials[0]!.distributions).toEqual(space);
  });
});

describe('the README coarse-to-fine example', () => {
  it('runs: random search, then a 4-point-per-range grid inside a space that holds the best trials', async () => {
    // A synthetic validation accuracy, best at lr 0.01, batch 32, adam.
    const score = (p: Record<string, unknown>) =>
      1 -
      (Math.log10(p.lr as number) + 2) ** 2 / 10 -
      (((p.batchSize as number) - 32) / 128) ** 2 -
      (p.optimizer === 'adam' ? 0 : 0.05);
    const space = {
      lr: float(1e-4, 1e-1, { log: true }),
      batchSize: int(16, 128, { step: 16 }),
      optimizer: categorical(['sgd', 'adam']),
    };
    const coarse = await createStudy({ direction: 'maximize', sampler: randomSampler() });
    await coarse.optimize(async (t) => score(await suggestSpace(t, space)), { nTrials: 30 });
    const fine = narrowSpace(coarse.trials, space, { direction: 'maximize', top: 5 });
    const grid = await createStudy({
      direction: 'maximize',
      sampler: gridSampler(spaceGrid(fine, { points: 4 })),
    });
    await grid.optimize(async (t) => score(await suggestSpace(t, fine)));
    const lr = fine.lr as { low: number; high: number };
    expect(lr.low).toBeLessThanOrEqual(0.01 * 3);
    expect(lr.high).toBeGreaterThanOrEqual(0.01 / 3);
    expect(lr.high / lr.low).toBeLessThan(1e3); // narrower than the coarse 1e-4 .. 1e-1
    const best = coarse.bestTrial!.params.lr as number;
    expect(best).toBeGreaterThanOrEqual(lr.low);
    expect(best).toBeLessThanOrEqual(lr.high);
    expect(grid.trials).toHaveLength(spaceGridSize(fine));
    expect(grid.bestTrial!.values![0]!).toBeGreaterThan(coarse.bestTrial!.values![0]! - 0.02);
  });
});

function spaceGridSize(space: Record<string, unknown>): number {
  return Object.values(spaceGrid(space as never, { points: 4 })).reduce((a, v) => a * v.length, 1);
}

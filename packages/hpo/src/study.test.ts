import { errorCode as codeOf } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { categorical, contains, float, fromInternal, int, toInternal } from './distributions';
import { gridSampler } from './grid-sampler';
import { paramImportances } from './importance';
import { randomSampler } from './random-sampler';
import { InMemoryStorage } from './storage';
import { createStudy, TrialPruned } from './study';
import { tpeSampler } from './tpe-sampler';

describe('search spaces', () => {
  it('validates bounds, log ranges, steps and choices with typed errors', () => {
    expect(codeOf(() => float(1, 0))).toBe('RANGE');
    expect(codeOf(() => float(0, 1, { log: true }))).toBe('RANGE');
    expect(codeOf(() => float(0, 1, { step: 0 }))).toBe('RANGE');
    expect(codeOf(() => float(1e-3, 1, { log: true, step: 0.1 }))).toBe('CONFIG');
    expect(codeOf(() => int(0, 10, { log: true }))).toBe('RANGE');
    expect(codeOf(() => int(1.5, 10))).toBe('RANGE');
    expect(codeOf(() => categorical([]))).toBe('CONFIG');
    expect(codeOf(() => float(Number.NaN, 1))).toBe('NAN');
    expect(() => float(2, 1)).toThrow('low: low must be <= high; expected <= 1; received 2');
  });

  it('maps values to the internal (log / index) scale and back onto the grid', () => {
    const lr = float(1e-4, 1, { log: true });
    expect(toInternal(lr, 1e-2)).toBeCloseTo(Math.log(1e-2), 12);
    expect(fromInternal(lr, Math.log(1e-2))).toBeCloseTo(1e-2, 12);
    expect(fromInternal(int(0, 10, { step: 3 }), 4.4)).toBe(3);
    expect(fromInternal(int(0, 10, { step: 3 }), 11)).toBe(9);
    expect(fromInternal(float(0, 1, { step: 0.25 }), 0.6)).toBe(0.5);
    expect(fromInternal(categorical(['a', 'b']), 1)).toBe('b');
    expect(contains(int(0, 10, { step: 2 }), 4)).toBe(true);
    expect(contains(int(0, 10, { step: 2 }), 5)).toBe(false);
    expect(contains(categorical(['a']), 'b')).toBe(false);
  });
});

describe('study', () => {
  it('minimises, records trials and returns the best one', async () => {
    const study = await createStudy({ sampler: randomSampler(), seed: 3 });
    await study.optimize(async (t) => (await t.suggestFloat('x', -2, 2)) ** 2, { nTrials: 40 });
    expect(study.trials).toHaveLength(40);
    expect(study.trials.every((t) => t.state === 'complete')).toBe(true);
    const best = study.bestTrial!;
    expect(best.values![0]).toBe(Math.min(...study.trials.map((t) => t.values![0]!)));
    expect(Math.abs(best.params.x as number)).toBeLessThan(0.2);
  });

  it('is reproducible for a seed', async () => {
    const run = async () => {
      const s = await createStudy({ sampler: tpeSampler({ nStartupTrials: 5 }), seed: 11 });
      await s.optimize(
        async (t) => (await t.suggestFloat('x', 0, 1)) + (await t.suggestInt('n', 1, 8)),
        { nTrials: 15 },
      );
      return s.trials.map((t) => t.params);
    };
    expect(await run()).toEqual(await run());
  });

  it('supports conditional parameters (define-by-run)', async () => {
    const study = await createStudy({ sampler: tpeSampler({ nStartupTrials: 5 }), seed: 1 });
    await study.optimize(
      async (t) => {
        const opt = await t.suggestCategorical('optimizer', ['sgd', 'adam']);
        if (opt === 'sgd') return (await t.suggestFloat('momentum', 0, 0.99)) - 1;
        return (await t.suggestFloat('beta2', 0.9, 0.9999)) - 0.5;
      },
      { nTrials: 25 },
    );
    for (const t of study.trials) {
      expect('momentum' in t.params).toBe(t.params.optimizer === 'sgd');
      expect('beta2' in t.params).toBe(t.params.optimizer === 'adam');
    }
    expect(study.bestTrial!.params.optimizer).toBe('sgd');
  });

  it('runs enqueued trials first (manual search) and checks their values', async () => {
    const study = await createStudy({ sampler: randomSampler() });
    await study.enqueueTrial({ x: 0.5 });
    await study.enqueueTrial({ x: 7 });
    await study.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 3 });
    expect(study.trials[0]!.params.x).toBe(0.5);
    expect(study.trials[1]!.state).toBe('failed');
    expect(study.trials[1]!.error).toMatch(/enqueued value of "x" is outside its range/);
  });

  it('marks errors and NaN as failed, pruned trials as pruned, and can rethrow', async () => {
    const study = await createStudy({ sampler: randomSampler() });
    let i = 0;
    await study.optimize(
      async (t) => {
        await t.suggestFloat('x', 0, 1);
        i++;
        if (i === 1) throw new Error('boom');
        if (i === 2) return Number.NaN;
        if (i === 3) {
          await t.report(0, 1);
          t.prune();
        }
        return 1;
      },
      { nTrials: 4 },
    );
    expect(study.trials.map((t) => t.state)).toEqual(['failed', 'failed', 'pruned', 'complete']);
    expect(study.trials[0]!.error).toBe('boom');
    await expect(
      study.optimize(() => Promise.reject(new Error('stop')), { nTrials: 1, catchErrors: false }),
    ).rejects.toThrow('stop');
    await expect(study.optimize(() => [1, 2], { nTrials: 1 })).rejects.toThrow(
      /wrong number of values/,
    );
  });

  it('keeps a parameter fixed within a trial and refuses a different range for the same name', async () => {
    const study = await createStudy({ sampler: randomSampler() });
    await study.optimize(
      async (t) => {
        const a = await t.suggestFloat('x', 0, 1);
        expect(await t.suggestFloat('x', 0, 1)).toBe(a);
        await expect(t.suggestFloat('x', 0, 2)).rejects.toThrow(/suggested with another range/);
        return a;
      },
      { nTrials: 2 },
    );
    expect(study.trials.map((t) => t.state)).toEqual(['complete', 'complete']);
  });

  it('finds the Pareto front of a multi-objective study', async () => {
    const study = await createStudy({
      directions: ['minimize', 'maximize'],
      sampler: randomSampler(),
      seed: 2,
    });
    await study.optimize(
      async (t) => {
        const x = await t.suggestFloat('x', 0, 1);
        return [x, x * x];
      },
      { nTrials: 10 },
    );
    // f1 = x (min), f2 = x^2 (max): every trial trades one for the other, so all are Pareto-optimal.
    expect(study.bestTrials).toHaveLength(10);
    expect(() => study.bestTrial).toThrow(/single-objective/);
  });

  it('rejects bad options', async () => {
    await expect(createStudy({ direction: 'up' as never })).rejects.toThrow(
      /direction: unknown choice/,
    );
    await expect(createStudy({ directions: [] })).rejects.toThrow(/directions must not be empty/);
    const study = await createStudy({ sampler: randomSampler() });
    await expect(study.optimize(() => 1)).rejects.toThrow(/needs nTrials, maxTrials or timeout/);
    await expect(study.optimize(() => 1, { nTrials: -1 })).rejects.toThrow(/nTrials/);
    await expect(study.optimize(() => 1, { maxTrials: 1.5 })).rejects.toThrow(/maxTrials/);
  });

  it('maxTrials caps the study (all workers together), nTrials this call', async () => {
    const storage = new InMemoryStorage();
    const a = await createStudy({ name: 'm', storage, sampler: randomSampler() });
    await a.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 3 });
    const b = await createStudy({ name: 'm', storage, sampler: randomSampler() });
    // b may add only 5 - 3 = 2 trials although it asks for 10
    await b.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 10, maxTrials: 5 });
    expect(b.trials).toHaveLength(5);
    await b.optimize(async (t) => t.suggestFloat('x', 0, 1), { maxTrials: 5, concurrency: 3 });
    expect(b.trials).toHaveLength(5);
  });

  it('stops at the timeout', async () => {
    const study = await createStudy({ sampler: randomSampler() });
    await study.optimize(
      async (t) => {
        await new Promise((r) => setTimeout(r, 30));
        return t.suggestFloat('x', 0, 1);
      },
      { timeout: 0.1 },
    );
    expect(study.trials.length).toBeGreaterThanOrEqual(1);
    expect(study.trials.length).toBeLessThanOrEqual(5);
  });
});

describe('grid search', () => {
  it('runs every point once in a deterministic order, then stops', async () => {
    const study = await createStudy({ sampler: gridSampler({ a: [1, 2], b: ['x', 'y', 'z'] }) });
    await study.optimize(
      async (t) =>
        (await t.suggestInt('a', 0, 5)) +
        ((await t.suggestCategorical('b', ['x', 'y', 'z'])) === 'y' ? 0 : 1),
    );
    expect(study.trials.map((t) => `${t.params.a}${t.params.b}`)).toEqual([
      '1x',
      '1y',
      '1z',
      '2x',
      '2y',
      '2z',
    ]);
  });

  it('never hands the same point to concurrent trials, and resumes where it stopped', async () => {
    const storage = new InMemoryStorage();
    const grid = { lr: [0.1, 0.01, 0.001, 0.0001], wd: [0, 1e-4, 1e-3] };
    const s1 = await createStudy({ name: 'g', storage, sampler: gridSampler(grid) });
    const slow = async (t: import('./study').Trial) => {
      const lr = await t.suggestFloat('lr', 1e-5, 1, { log: true });
      await new Promise((r) => setTimeout(r, 5));
      return lr + (await t.suggestFloat('wd', 0, 1));
    };
    await s1.optimize(slow, { nTrials: 5, concurrency: 4 });
    const s2 = await createStudy({ name: 'g', storage, sampler: gridSampler(grid) });
    await s2.optimize(slow, { concurrency: 3 });
    const points = s2.trials.map((t) => `${t.params.lr}/${t.params.wd}`);
    expect(points).toHaveLength(12);
    expect(new Set(points).size).toBe(12);
  });

  it('rejects empty grids and names outside the grid', async () => {
    expect(() => gridSampler({})).toThrow(/the grid is empty/);
    expect(() => gridSampler({ a: [] })).toThrow(/grid.a/);
    const study = await createStudy({ sampler: gridSampler({ a: [1] }) });
    await study.optimize(async (t) => t.suggestFloat('b', 0, 1));
    expect(study.trials[0]!.error).toMatch(/"b" is not in the grid/);
  });
});

describe('parameter importance', () => {
  it('attributes the variance to the parameter that drives the objective', async () => {
    const study = await createStudy({ sampler: randomSampler(), seed: 4 });
    await study.optimize(
      async (t) => {
        const a = await t.suggestFloat('a', 0, 1);
        const b = await t.suggestFloat('b', 0, 1);
        const c = await t.suggestCategorical('c', ['u', 'v']);
        return 10 * a + 0.1 * b + (c === 'u' ? 0 : 0.05);
      },
      { nTrials: 80 },
    );
    const imp = paramImportances(study.trials);
    expect(Object.keys(imp)[0]).toBe('a');
    expect(imp.a).toBeGreaterThan(0.9);
    expect(Object.values(imp).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9);
    expect(() => paramImportances([])).toThrow(/at least 4 complete trials/);
  });
});

it('TrialPruned names its step', () => {
  expect(new TrialPruned(3).message).toBe('trial pruned at step 3');
});

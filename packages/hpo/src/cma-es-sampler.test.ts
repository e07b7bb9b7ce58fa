import { fromJSON, isTrainkitError, Rng } from '@trainkit/core';
import { errorCode } from '@trainkit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { cmaEsSampler } from './cma-es-sampler';
import { contains, float, int } from './distributions';
import { randomSampler } from './random-sampler';
import { registerHpoKinds } from './registry';
import type { Sampler } from './sampler';
import { InMemoryStorage } from './storage';
import { createStudy } from './study';

// Registration is explicit: the core fromJSON below needs it.
beforeAll(() => registerHpoKinds());

const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

describe('CMA-ES sampler', () => {
  it('moves its samples to the optimum of a sphere and shrinks around it', async () => {
    const study = await createStudy({ sampler: cmaEsSampler(), seed: 1 });
    const opt = [0.8, 0.2, 0.6];
    await study.optimize(
      async (t) => {
        const x = [
          await t.suggestFloat('a', 0, 1),
          await t.suggestFloat('b', 0, 1),
          await t.suggestFloat('c', 0, 1),
        ];
        return dist(x, opt) ** 2;
      },
      { nTrials: 210 },
    );
    const d = study.trials.map((t) => dist([t.params.a, t.params.b, t.params.c] as number[], opt));
    const med = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
    // lambda = 7 for n = 3: 30 generations
    expect(med(d.slice(-14))).toBeLessThan(med(d.slice(1, 15)) / 30);
    expect(study.bestTrial!.values![0]).toBeLessThan(1e-5);
  });

  it('works in one dimension', async () => {
    const study = await createStudy({ sampler: cmaEsSampler(), seed: 6 });
    await study.optimize(async (t) => ((await t.suggestFloat('x', -3, 3)) - 1.234) ** 2, {
      nTrials: 60,
    });
    expect(Math.abs((study.bestTrial!.params.x as number) - 1.234)).toBeLessThan(1e-3);
  });

  it('searches log-scaled parameters in log space and rounds integers', async () => {
    const study = await createStudy({ sampler: cmaEsSampler(), seed: 2 });
    await study.optimize(
      async (t) => {
        const lr = await t.suggestFloat('lr', 1e-5, 1, { log: true });
        const units = await t.suggestInt('units', 1, 64, { log: true });
        const depth = await t.suggestInt('depth', 0, 10, { step: 2 });
        return (Math.log10(lr) + 3) ** 2 + (Math.log2(units) - 3) ** 2 + (depth - 4) ** 2 / 10;
      },
      { nTrials: 80 },
    );
    for (const t of study.trials)
      for (const [k, v] of Object.entries(t.params))
        expect(contains(t.distributions[k]!, v)).toBe(true);
    const best = study.bestTrial!.params;
    expect(best.lr as number).toBeGreaterThan(10 ** -3.5);
    expect(best.lr as number).toBeLessThan(10 ** -2.5);
    expect(best.units).toBe(8);
    expect(best.depth).toBe(4);
  });

  it('hands categorical parameters (and the first trial) to the independent sampler', async () => {
    const calls: string[] = [];
    const spy: Sampler = {
      ...randomSampler(),
      kind: 'hpo.randomSampler',
      sample(name, d, ctx) {
        calls.push(`${ctx.trial.number}:${name}`);
        return randomSampler().sample(name, d, ctx);
      },
    };
    const study = await createStudy({
      sampler: cmaEsSampler({ independentSampler: spy }),
      seed: 3,
    });
    await study.optimize(
      async (t) => {
        const x = await t.suggestFloat('x', 0, 1);
        const y = await t.suggestFloat('y', 0, 1);
        const act = await t.suggestCategorical('act', ['relu', 'tanh']);
        return x + y + (act === 'relu' ? 0 : 1);
      },
      { nTrials: 6 },
    );
    expect(calls).toEqual(['0:x', '0:y', '0:act', '1:act', '2:act', '3:act', '4:act', '5:act']);
  });

  it('rebuilds its state from the stored trials: a fresh sampler continues exactly where the old one was', async () => {
    const storage = new InMemoryStorage();
    const objective = async (t: import('./study').Trial) => {
      const x = await t.suggestFloat('x', -2, 2);
      const y = await t.suggestFloat('y', 1e-3, 10, { log: true });
      if (x > 1.5) throw new Error('diverged'); // failed trials take no part in the generations
      return (x - 0.5) ** 2 + Math.log10(y) ** 2;
    };
    const warm = cmaEsSampler();
    const study = await createStudy({ name: 'r', storage, sampler: warm, seed: 4 });
    await study.optimize(objective, { nTrials: 40 });
    expect(study.trials.some((t) => t.state === 'failed')).toBe(true);
    const cold = cmaEsSampler();
    const trials = study.trials.filter((t) => t.state === 'complete');
    const ctx = (seed: number) => ({
      trials,
      trial: {
        number: 1000 + seed,
        state: 'running' as const,
        params: {},
        distributions: {},
        intermediate: {},
        userAttrs: {},
        startedAt: 0,
      },
      direction: 'minimize' as const,
      rng: new Rng(seed),
    });
    for (let seed = 0; seed < 3; seed++) {
      const dx = float(-2, 2);
      expect(cold.sample('x', dx, ctx(seed))).toBe(warm.sample('x', dx, ctx(seed)));
    }
    // and a resumed study (new sampler object) goes on improving
    const resumed = await createStudy({ name: 'r', storage, sampler: cmaEsSampler(), seed: 5 });
    await resumed.optimize(objective, { nTrials: 40 });
    expect(resumed.trials).toHaveLength(80);
    expect(resumed.bestTrial!.values![0]).toBeLessThanOrEqual(study.bestTrial!.values![0]!);
  });

  it('serialises, and validates its options', () => {
    const s = cmaEsSampler({ sigma0: 0.3, populationSize: 12 });
    const back = fromJSON<Sampler>(s.toJSON());
    expect(back.toJSON()).toEqual(s.toJSON());
    expect(errorCode(() => cmaEsSampler({ sigma0: 0 }))).toBe('RANGE');
    expect(errorCode(() => cmaEsSampler({ populationSize: 1 }))).toBe('RANGE');
    try {
      cmaEsSampler({
        independentSampler: {
          kind: 'grid',
          reserve: () => ({}),
          sample: () => 0,
          toJSON: () => ({ kind: 'grid', version: 1 }),
        },
      });
      expect.unreachable();
    } catch (e) {
      expect(isTrainkitError(e, 'CONFIG')).toBe(true);
    }
    expect(int(1, 2).type).toBe('int');
  });
});

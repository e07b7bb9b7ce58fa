import { describe, expect, it } from 'vitest';
import { cmaEsSampler } from './cma-es-sampler';
import { geneticSampler } from './genetic-sampler';
import { gpSampler } from './gp-sampler';
import { randomSampler } from './random-sampler';
import type { Sampler } from './sampler';
import { createStudy, type Trial } from './study';
import { branin, hartmann6 } from './test-functions';
import { tpeSampler } from './tpe-sampler';

// The sample-efficiency check over 20 seeds: the median (over seeds) of the best value
// found. TPE and GP with 30 trials must reach random search's 100-trial median; the evolutionary
// samplers (genetic, CMA-ES) must beat random search at equal budget on the continuous functions.
const functions: Record<string, (t: Trial) => Promise<number>> = {
  branin: async (t) =>
    branin(await t.suggestFloat('x1', -5, 10), await t.suggestFloat('x2', 0, 15)),
  hartmann6: async (t) => {
    const x: number[] = [];
    for (let i = 0; i < 6; i++) x.push(await t.suggestFloat(`x${i}`, 0, 1));
    return hartmann6(x);
  },
  // A learning-rate-like log axis plus a linear one, with deterministic pseudo-noise.
  noisyQuadratic: async (t) => {
    const lr = await t.suggestFloat('lr', 1e-5, 1, { log: true });
    const x = await t.suggestFloat('x', -1, 1);
    return (Math.log10(lr) + 2.5) ** 2 + (x - 0.3) ** 2 + 0.05 * Math.sin(1e4 * lr + 37 * x);
  },
};

async function best(make: () => Sampler, fn: string, seed: number, n: number): Promise<number> {
  const study = await createStudy({ sampler: make(), seed });
  await study.optimize(functions[fn]!, { nTrials: n });
  return study.bestTrial!.values![0]!;
}

async function medianBest(make: () => Sampler, fn: string, n: number): Promise<number> {
  const v: number[] = [];
  for (let seed = 0; seed < 20; seed++) v.push(await best(make, fn, seed, n));
  v.sort((a, b) => a - b);
  return (v[9]! + v[10]!) / 2;
}

describe('sample efficiency over 20 seeds', () => {
  for (const fn of Object.keys(functions)) {
    it(`${fn}: TPE and GP in 30 trials reach random search's 100-trial median; GA and CMA-ES beat random`, async () => {
      const random100 = await medianBest(randomSampler, fn, 100);
      const tpe30 = await medianBest(() => tpeSampler({ multivariate: true }), fn, 30);
      const gp30 = await medianBest(gpSampler, fn, 30);
      const ga100 = await medianBest(geneticSampler, fn, 100);
      const cma100 = await medianBest(cmaEsSampler, fn, 100);
      console.log(
        `[hpo] ${fn}: random@100 ${random100.toFixed(4)}, TPE@30 ${tpe30.toFixed(4)}, GP@30 ${gp30.toFixed(4)}, GA@100 ${ga100.toFixed(4)}, CMA-ES@100 ${cma100.toFixed(4)}`,
      );
      expect(tpe30).toBeLessThanOrEqual(random100);
      expect(gp30).toBeLessThanOrEqual(random100);
      expect(ga100).toBeLessThan(random100);
      expect(cma100).toBeLessThan(random100);
    });
  }
});

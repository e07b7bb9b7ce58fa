import { assertNumber } from '@trainkit/core';
import {
  type Distribution,
  fromInternal,
  internalBounds,
  type ParamValue,
  toInternal,
} from './distributions';
import { sampleUniform } from './random-sampler';
import { type Sampler, score } from './sampler';
import type { FrozenTrial } from './trial';

export interface GeneticOptions {
  /** Random trials forming the first generation. Default 20. */
  populationSize?: number;
  /** Tournament size for parent selection. Default 3. */
  tournamentSize?: number;
  /** Per-parameter mutation probability. Default 1 / (number of parameters seen). */
  mutationProb?: number;
  /** Gaussian mutation scale as a fraction of the (internal) range. Default 0.1. */
  mutationScale?: number;
}

/**
 * An evolutionary sampler for mixed spaces (a steady-state genetic algorithm, Goldberg 1989):
 * after a random first generation, each new trial takes two parents chosen by tournament among
 * the best `populationSize` finished trials, inherits each parameter from one of them (uniform
 * crossover), and mutates it with probability `mutationProb` (Gaussian in the internal, possibly
 * log, scale for numbers; a fresh choice for categoricals).
 */
export function geneticSampler(options: GeneticOptions = {}): Sampler {
  const pop = assertNumber('populationSize', options.populationSize ?? 20, {
    min: 2,
    integer: true,
  });
  const tour = assertNumber('tournamentSize', options.tournamentSize ?? 3, {
    min: 1,
    integer: true,
  });
  const scale = assertNumber('mutationScale', options.mutationScale ?? 0.1, { min: 0 });
  if (options.mutationProb !== undefined)
    assertNumber('mutationProb', options.mutationProb, { min: 0, max: 1 });
  const parents = new Map<number, [FrozenTrial, FrozenTrial]>();
  return {
    kind: 'hpo.geneticSampler',
    sample(name: string, d: Distribution, ctx): ParamValue {
      const done = ctx.trials.filter(
        (t) => t.state === 'complete' && Number.isFinite(score(t, ctx.direction)),
      );
      if (done.length < pop) return sampleUniform(d, ctx);
      let pair = parents.get(ctx.trial.number);
      if (!pair) {
        const elite = [...done]
          .sort((a, b) => score(a, ctx.direction) - score(b, ctx.direction))
          .slice(0, pop);
        const pick = () => {
          let best: FrozenTrial | undefined;
          for (let i = 0; i < tour; i++) {
            const c = elite[ctx.rng.int(0, elite.length)]!;
            if (!best || score(c, ctx.direction) < score(best, ctx.direction)) best = c;
          }
          return best!;
        };
        pair = [pick(), pick()];
        parents.set(ctx.trial.number, pair);
      }
      const from = pair.filter((p) => name in p.params);
      if (from.length === 0) return sampleUniform(d, ctx);
      const parent = from[ctx.rng.int(0, from.length)]!;
      const nParams = Math.max(1, Object.keys(parent.params).length);
      const pm = options.mutationProb ?? 1 / nParams;
      if (ctx.rng.next() >= pm) return parent.params[name]!;
      if (d.type === 'categorical') return sampleUniform(d, ctx);
      const [lo, hi] = internalBounds(d);
      const x = toInternal(d, parent.params[name]!) + ctx.rng.normal(0, scale * (hi - lo));
      return fromInternal(d, Math.min(hi, Math.max(lo, x)));
    },
    toJSON: () => ({
      kind: 'hpo.geneticSampler',
      version: 1,
      populationSize: pop,
      tournamentSize: tour,
      mutationScale: scale,
    }),
  };
}

import { assertNumber, ConfigError } from '@trainkit/core';
import {
  type CmaParameters,
  type CmaState,
  cmaInit,
  cmaParameters,
  cmaSample,
  cmaTell,
} from './cma-es';
import {
  type Distribution,
  type FloatDistribution,
  fromInternal,
  type IntDistribution,
  internalBounds,
  type ParamValue,
  sameDistribution,
  toInternal,
} from './distributions';
import { randomSampler } from './random-sampler';
import { type SampleContext, type Sampler, score } from './sampler';
import type { FrozenTrial } from './trial';

export interface CmaEsOptions {
  /** Initial step size in the [0, 1]-normalised space. Default 1/6 (a sixth of every range). */
  sigma0?: number;
  /** Population size lambda. Default 4 + floor(3 ln n). */
  populationSize?: number;
  /** Samples categorical (and conditional) parameters and the first trial. Default: random. */
  independentSampler?: Sampler;
}

type Numeric = FloatDistribution | IntDistribution;

/**
 * CMA-ES (Hansen 2016, the (mu/mu_w, lambda) strategy with rank-one and rank-mu covariance
 * updates, cumulative step-size adaptation and the tutorial's default, active, weights) for the
 * continuous part of a search space.
 *
 * - The space: the float/int parameters that every complete trial has with the same range; each
 *   is mapped to [0, 1] (log-scaled ones in log space), ints are rounded after sampling, a draw
 *   outside the box is redrawn (up to 100 times, then clipped).
 * - Categorical and conditional parameters go to `independentSampler` (random by default).
 * - Stateless across processes: the distribution is rebuilt from the stored trials. The complete
 *   trials, in the order they completed, form the generations (lambda each); failed and pruned
 *   trials take no part. A resumed study or another worker therefore continues the same search.
 * @example createStudy({ sampler: cmaEsSampler({ sigma0: 0.2 }) })
 */
export function cmaEsSampler(options: CmaEsOptions = {}): Sampler {
  const sigma0 = assertNumber('sigma0', options.sigma0 ?? 1 / 6, { min: 0, exclusiveMin: true });
  if (options.populationSize !== undefined)
    assertNumber('populationSize', options.populationSize, { min: 2, integer: true });
  const independent = options.independentSampler ?? randomSampler();
  if (independent.reserve) {
    throw new ConfigError('the independent sampler must not reserve trials (grid)', {
      argument: 'independentSampler',
      received: independent.kind,
    });
  }
  const plans = new Map<number, Record<string, ParamValue>>();
  // Memo of the replayed generations: key = space + the trial numbers of each generation.
  let memo: { keys: string[]; states: CmaState[] } = { keys: [], states: [] };

  function searchSpace(done: FrozenTrial[]): [string, Numeric][] {
    if (done.length === 0) return [];
    const first = done[0]!;
    return Object.entries(first.distributions)
      .filter(
        (e): e is [string, Numeric] =>
          e[1].type !== 'categorical' &&
          !(e[1].type === 'int' && e[1].low === e[1].high) &&
          !(e[1].type === 'float' && e[1].low === e[1].high),
      )
      .filter(([name, d]) =>
        done.every((t) => t.distributions[name] && sameDistribution(t.distributions[name]!, d)),
      )
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  const normalise = (d: Numeric, v: ParamValue) => {
    const [lo, hi] = internalBounds(d);
    return (toInternal(d, v) - lo) / (hi - lo);
  };

  function distribution(space: [string, Numeric][], done: FrozenTrial[], ctx: SampleContext) {
    const n = space.length;
    const p: CmaParameters = cmaParameters(n, options.populationSize);
    const order = [...done].sort(
      (a, b) => (a.completedAt ?? 0) - (b.completedAt ?? 0) || a.number - b.number,
    );
    const spaceKey = JSON.stringify(space);
    let state = cmaInit(new Array(n).fill(0.5), sigma0);
    const keys: string[] = [];
    const states: CmaState[] = [];
    for (let g = 0; (g + 1) * p.lambda <= order.length; g++) {
      const gen = order.slice(g * p.lambda, (g + 1) * p.lambda);
      const key = `${spaceKey}|${gen.map((t) => t.number).join(',')}`;
      keys.push(key);
      if (memo.keys[g] === key && memo.keys.slice(0, g).every((k, i) => k === keys[i])) {
        state = memo.states[g]!;
      } else {
        const sorted = [...gen].sort((a, b) => score(a, ctx.direction) - score(b, ctx.direction));
        state = cmaTell(
          state,
          p,
          sorted.map((t) => space.map(([name, d]) => normalise(d, t.params[name]!))),
        );
      }
      states.push(state);
    }
    memo = { keys, states };
    return state;
  }

  function plan(ctx: SampleContext): Record<string, ParamValue> {
    const done = ctx.trials.filter(
      (t) => t.state === 'complete' && Number.isFinite(score(t, ctx.direction)),
    );
    const space = searchSpace(done);
    if (space.length === 0) return {};
    const inSpace = done.filter((t) => space.every(([name]) => name in t.params));
    const state = distribution(space, inSpace, ctx);
    let x = cmaSample(state, ctx.rng);
    for (let i = 0; i < 100 && x.some((v) => v < 0 || v > 1); i++) x = cmaSample(state, ctx.rng);
    const out: Record<string, ParamValue> = {};
    space.forEach(([name, d], i) => {
      const [lo, hi] = internalBounds(d);
      const v = Math.min(1, Math.max(0, x[i]!));
      out[name] = fromInternal(d, lo + v * (hi - lo));
    });
    return out;
  }

  return {
    kind: 'hpo.cmaEsSampler',
    sample(name: string, d: Distribution, ctx): ParamValue {
      let p = plans.get(ctx.trial.number);
      if (!p) {
        p = plan(ctx);
        plans.set(ctx.trial.number, p);
        if (plans.size > 1000) plans.delete(plans.keys().next().value!);
      }
      const v = p[name];
      // the planned value only serves the same range; otherwise (or not planned) go independent
      if (v !== undefined && d.type !== 'categorical') {
        const had = ctx.trials.find((t) => t.distributions[name]);
        if (had && sameDistribution(had.distributions[name]!, d)) return v;
      }
      return independent.sample(name, d, ctx);
    },
    toJSON: () => {
      const j: { kind: string; version: number; [k: string]: unknown } = {
        kind: 'hpo.cmaEsSampler',
        version: 1,
        sigma0,
        independentSampler: independent.toJSON(),
      };
      if (options.populationSize !== undefined) j.populationSize = options.populationSize;
      return j;
    },
  };
}

import { assertNumber, type Rng } from '@trainkit/core';
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
import { sampleUniform } from './random-sampler';
import { type SampleContext, type Sampler, score } from './sampler';
import type { FrozenTrial } from './trial';

export interface TpeOptions {
  /** Random trials before TPE takes over. Default 10. */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per suggestion. Default 24. */
  nEiCandidates?: number;
  /** Size of the "good" group for n observations. Default min(ceil(0.1 n), 25) (Optuna's). */
  gamma?: (n: number) => number;
  /** Weight of the prior (a wide kernel at the centre / uniform over choices). Default 1. */
  priorWeight?: number;
  /**
   * Model the numeric parameters jointly (Falkner et al. 2018's multivariate KDE, as Optuna's
   * `multivariate=True`): candidates are drawn as whole vectors from l(x) with product kernels
   * (Scott's-rule bandwidths), so correlated parameters are found together. The joint space is the
   * numeric parameters every finished trial has; other parameters stay univariate. Default false.
   */
  multivariate?: boolean;
}

const SQRT2 = Math.SQRT2;
// Abramowitz & Stegun 7.1.26 erf (|error| < 1.5e-7), enough for kernel masses.
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-a * a);
  return s * y;
}
const normCdf = (x: number, mu: number, sigma: number) =>
  0.5 * (1 + erf((x - mu) / (sigma * SQRT2)));

interface Parzen {
  mus: number[];
  sigmas: number[];
  weights: number[];
  lo: number;
  hi: number;
}

/** Bergstra et al. 2011 adaptive Parzen estimator: kernels at the observations plus a prior. */
function parzen(obs: number[], lo: number, hi: number, priorWeight: number): Parzen {
  const mus = [...obs, (lo + hi) / 2];
  const order = mus.map((_, i) => i).sort((a, b) => mus[a]! - mus[b]!);
  const sorted = order.map((i) => mus[i]!);
  const sigmas = new Array<number>(mus.length);
  const range = hi - lo;
  const minSigma = range / Math.min(100, 1 + mus.length);
  order.forEach((idx, k) => {
    const left = k === 0 ? lo : sorted[k - 1]!;
    const right = k === sorted.length - 1 ? hi : sorted[k + 1]!;
    sigmas[idx] = Math.min(range, Math.max(minSigma, sorted[k]! - left, right - sorted[k]!));
  });
  sigmas[mus.length - 1] = range; // the prior
  const weights = [...obs.map(() => 1), priorWeight];
  const total = weights.reduce((a, b) => a + b, 0);
  return { mus, sigmas, weights: weights.map((w) => w / total), lo, hi };
}

function parzenSample(p: Parzen, rng: Rng): number {
  let u = rng.next();
  let k = 0;
  while (k < p.weights.length - 1 && u >= p.weights[k]!) u -= p.weights[k++]!;
  // truncated normal by rejection (the kernels are clipped to the range, so acceptance is high)
  for (let i = 0; i < 100; i++) {
    const x = rng.normal(p.mus[k]!, p.sigmas[k]!);
    if (x >= p.lo && x <= p.hi) return x;
  }
  return Math.min(p.hi, Math.max(p.lo, p.mus[k]!));
}

function parzenLogPdf(p: Parzen, x: number): number {
  let s = 0;
  for (let k = 0; k < p.mus.length; k++) {
    const mu = p.mus[k]!;
    const sg = p.sigmas[k]!;
    const mass = normCdf(p.hi, mu, sg) - normCdf(p.lo, mu, sg);
    s +=
      (p.weights[k]! * Math.exp(-0.5 * ((x - mu) / sg) ** 2)) /
      (sg * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
  }
  return Math.log(Math.max(s, 1e-300));
}

interface Joint {
  names: string[];
  dists: (FloatDistribution | IntDistribution)[];
}

function jointSpace(trials: FrozenTrial[]): Joint {
  const first = trials[0];
  if (!first) return { names: [], dists: [] };
  const names = Object.keys(first.distributions).filter((n) => {
    const d = first.distributions[n]!;
    return (
      d.type !== 'categorical' &&
      trials.every((t) => t.distributions[n] && sameDistribution(t.distributions[n]!, d))
    );
  });
  return {
    names,
    dists: names.map((n) => first.distributions[n] as FloatDistribution | IntDistribution),
  };
}

function extendedBounds(d: FloatDistribution | IntDistribution): [number, number] {
  if (d.type === 'int') {
    return d.log
      ? [Math.log(Math.max(d.low - 0.5, 1e-12)), Math.log(d.high + 0.5)]
      : [d.low - 0.5 * d.step, d.high + 0.5 * d.step];
  }
  return internalBounds(d);
}

/** Product-kernel KDE over the joint space: kernels at the observations plus a wide prior. */
function jointLogPdf(
  obs: number[][],
  x: number[],
  sig: number[],
  bounds: [number, number][],
  priorWeight: number,
): number {
  const dims = x.length;
  const terms: number[] = [];
  const kernel = (mu: number[], s: number[]) => {
    let lp = 0;
    for (let j = 0; j < dims; j++) {
      const [lo, hi] = bounds[j]!;
      const mass = Math.max(normCdf(hi, mu[j]!, s[j]!) - normCdf(lo, mu[j]!, s[j]!), 1e-12);
      lp +=
        -0.5 * ((x[j]! - mu[j]!) / s[j]!) ** 2 - Math.log(s[j]! * Math.sqrt(2 * Math.PI) * mass);
    }
    return lp;
  };
  for (const o of obs) terms.push(kernel(o, sig));
  const centre = bounds.map(([lo, hi]) => (lo + hi) / 2);
  const wide = bounds.map(([lo, hi]) => hi - lo);
  terms.push(kernel(centre, wide) + Math.log(priorWeight));
  const m = Math.max(...terms);
  const total = obs.length + priorWeight;
  return m + Math.log(terms.reduce((a, t) => a + Math.exp(t - m), 0)) - Math.log(total);
}

function scottSigmas(n: number, bounds: [number, number][]): number[] {
  const factor = 0.2 * Math.max(n, 1) ** (-1 / (bounds.length + 4));
  return bounds.map(([lo, hi]) => Math.max(factor * (hi - lo), (hi - lo) / 100));
}

/**
 * Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kegl 2011): splits finished
 * trials into the best `gamma(n)` and the rest, models each group's density over a parameter
 * with Parzen windows, l(x) and g(x), and picks, among candidates drawn from l, the one
 * maximising l(x)/g(x) (equivalent to maximising expected improvement). Works per parameter, so
 * conditional parameters (present only in some trials) use the trials that have them;
 * categoricals use smoothed category frequencies. Pruned trials count with their last reported
 * value, ranked after every complete trial.
 * @example createStudy({ sampler: tpeSampler({ nStartupTrials: 10 }) })
 */
export function tpeSampler(options: TpeOptions = {}): Sampler {
  const nStartup = assertNumber('nStartupTrials', options.nStartupTrials ?? 10, {
    min: 0,
    integer: true,
  });
  const nCand = assertNumber('nEiCandidates', options.nEiCandidates ?? 24, {
    min: 1,
    integer: true,
  });
  const priorWeight = assertNumber('priorWeight', options.priorWeight ?? 1, {
    min: 0,
    exclusiveMin: true,
  });
  const gamma = options.gamma ?? ((n: number) => Math.min(Math.ceil(0.1 * n), 25));
  const multivariate = options.multivariate ?? false;
  const jointCache = new Map<number, Record<string, ParamValue>>();
  const rank = (finished: FrozenTrial[], direction: 'minimize' | 'maximize') => {
    const key = (t: FrozenTrial): [number, number] => {
      if (t.state === 'complete') return [0, score(t, direction)];
      const steps = Object.keys(t.intermediate).map(Number);
      const last = steps.length ? Math.max(...steps) : 0;
      const v = t.intermediate[last] ?? Number.POSITIVE_INFINITY;
      return [1, -last * 1e12 + (direction === 'minimize' ? v : -v)];
    };
    return finished
      .map((t) => ({ t, k: key(t) }))
      .filter(({ k }) => Number.isFinite(k[1]))
      .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1])
      .map(({ t }) => t);
  };
  const sampleJoint = (ctx: SampleContext): Record<string, ParamValue> => {
    const finished = ctx.trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
    const space = jointSpace(finished);
    const ranked = rank(finished, ctx.direction);
    if (space.names.length === 0 || ranked.length < Math.max(2, nStartup)) return {};
    const nBelow = Math.max(1, Math.min(ranked.length - 1, gamma(ranked.length)));
    const vec = (t: FrozenTrial) =>
      space.names.map((n, j) => toInternal(space.dists[j]!, t.params[n]!));
    const below = ranked.slice(0, nBelow).map(vec);
    const above = ranked.slice(nBelow).map(vec);
    const bounds = space.dists.map(extendedBounds);
    const sl = scottSigmas(below.length, bounds);
    const sg = scottSigmas(above.length, bounds);
    let best: number[] | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < nCand; c++) {
      // draw from l: pick a kernel (the prior with its weight), sample each dimension truncated
      const k = ctx.rng.uniform(0, below.length + priorWeight);
      const fromPrior = k >= below.length;
      const mu = fromPrior ? bounds.map(([lo, hi]) => (lo + hi) / 2) : below[Math.floor(k)]!;
      const sigma = fromPrior ? bounds.map(([lo, hi]) => hi - lo) : sl;
      const x = mu.map((m, j) => {
        const [lo, hi] = bounds[j]!;
        for (let i = 0; i < 100; i++) {
          const v = ctx.rng.normal(m, sigma[j]!);
          if (v >= lo && v <= hi) return v;
        }
        return Math.min(hi, Math.max(lo, m));
      });
      const sc =
        jointLogPdf(below, x, sl, bounds, priorWeight) -
        jointLogPdf(above, x, sg, bounds, priorWeight);
      if (sc > bestScore) {
        bestScore = sc;
        best = x;
      }
    }
    return Object.fromEntries(
      space.names.map((n, j) => [n, fromInternal(space.dists[j]!, best![j]!)]),
    );
  };
  return {
    kind: 'hpo.tpeSampler',
    sample(name: string, d: Distribution, ctx): ParamValue {
      if (multivariate) {
        let joint = jointCache.get(ctx.trial.number);
        if (!joint) {
          joint = sampleJoint(ctx);
          jointCache.set(ctx.trial.number, joint);
        }
        if (name in joint) return joint[name]!;
      }
      const finished = ctx.trials.filter(
        (t) => name in t.params && (t.state === 'complete' || t.state === 'pruned'),
      );
      if (finished.length < nStartup) return sampleUniform(d, ctx);
      // Rank: complete trials by objective, then pruned ones by how far they got and their last value.
      const ranked = rank(finished, ctx.direction);
      if (ranked.length < 2) return sampleUniform(d, ctx);
      const nBelow = Math.max(1, Math.min(ranked.length - 1, gamma(ranked.length)));
      const below = ranked.slice(0, nBelow).map((t) => toInternal(d, t.params[name]!));
      const above = ranked.slice(nBelow).map((t) => toInternal(d, t.params[name]!));
      if (d.type === 'categorical') {
        const k = d.choices.length;
        const weights = (obs: number[]) => {
          const w = new Array<number>(k).fill(priorWeight / k);
          for (const i of obs) w[i]! += 1;
          const s = w.reduce((a, b) => a + b, 0);
          return w.map((x) => x / s);
        };
        const wl = weights(below);
        const wg = weights(above);
        let best = 0;
        let bestScore = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < nCand; c++) {
          let u = ctx.rng.next();
          let i = 0;
          while (i < k - 1 && u >= wl[i]!) u -= wl[i++]!;
          const s = Math.log(wl[i]!) - Math.log(wg[i]!);
          if (s > bestScore) {
            bestScore = s;
            best = i;
          }
        }
        return d.choices[best]!;
      }
      let [lo, hi] = internalBounds(d);
      if (d.type === 'int') {
        lo = d.log ? Math.log(Math.max(d.low - 0.5, 1e-12)) : d.low - 0.5 * d.step;
        hi = d.log ? Math.log(d.high + 0.5) : d.high + 0.5 * d.step;
      }
      const l = parzen(below, lo, hi, priorWeight);
      const g = parzen(above, lo, hi, priorWeight);
      let best = l.mus[0]!;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < nCand; c++) {
        const x = parzenSample(l, ctx.rng);
        const s = parzenLogPdf(l, x) - parzenLogPdf(g, x);
        if (s > bestScore) {
          bestScore = s;
          best = x;
        }
      }
      return fromInternal(d, best);
    },
    toJSON: () => ({
      kind: 'hpo.tpeSampler',
      version: 1,
      nStartupTrials: nStartup,
      nEiCandidates: nCand,
      priorWeight,
      multivariate,
    }),
  };
}

import { assertNumber } from '@trainkit/core';
import { choleskyFactor, solveLower, solveLowerTransposed } from '@trainkit/linalg';
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

export interface GpOptions {
  /** Random trials before the GP takes over. Default 10. */
  nStartupTrials?: number;
  /** Random candidates scored by expected improvement per suggestion. Default 2000. */
  nCandidates?: number;
}

// Matern 5/2 kernel (Rasmussen & Williams 2006, eq. 4.17) on [0, 1]-scaled inputs.
function matern52(a: number[], b: number[], ell: number): number {
  let d2 = 0;
  for (let j = 0; j < a.length; j++) d2 += ((a[j]! - b[j]!) / ell) ** 2;
  const r = Math.sqrt(5 * d2);
  return (1 + r + (5 * d2) / 3) * Math.exp(-r);
}

interface Gp {
  X: number[][];
  /** Lower Cholesky factor of the kernel matrix plus noise, row-major `n x n`. */
  L: Float64Array;
  alpha: Float64Array;
  ell: number;
}

/** Fits a zero-mean GP to standardised y, choosing lengthscale and noise by marginal likelihood. */
function fitGp(X: number[][], y: number[]): Gp | undefined {
  let best: (Gp & { lml: number }) | undefined;
  for (const ell of [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2]) {
    for (const noise of [1e-6, 1e-4, 1e-2, 1e-1]) {
      const n = X.length;
      const K = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          K[i * n + j] = matern52(X[i]!, X[j]!, ell) + (i === j ? noise : 0);
      const L = choleskyFactor(K, n);
      if (!L) continue;
      const alpha = solveLowerTransposed(L, solveLower(L, Float64Array.from(y), n, 1), n, 1);
      let lml = -0.5 * y.reduce((a, v, i) => a + v * alpha[i]!, 0);
      for (let i = 0; i < n; i++) lml -= Math.log(L[i * n + i]!);
      if (!best || lml > best.lml) best = { X, L, alpha, ell, lml };
    }
  }
  return best;
}

function predict(gp: Gp, x: number[]): [number, number] {
  const k = gp.X.map((a) => matern52(a, x, gp.ell));
  const mu = k.reduce((a, v, i) => a + v * gp.alpha[i]!, 0);
  const v = solveLower(gp.L, Float64Array.from(k), gp.X.length, 1);
  const variance = Math.max(1 - v.reduce((a, t) => a + t * t, 0), 1e-12);
  return [mu, Math.sqrt(variance)];
}

const normPdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
function normCdf(z: number): number {
  // Zelen & Severo 26.2.17 (|error| < 7.5e-8)
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const p =
    normPdf(z) *
    t *
    (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - p : p;
}

/**
 * Bayesian optimisation with a Gaussian process (Snoek, Larochelle & Adams 2012): a Matern-5/2
 * GP on the numeric parameters (scaled to [0, 1], log where log-scaled), lengthscale and noise
 * chosen by marginal likelihood, and the next point maximising expected improvement over random
 * candidates and perturbations of the best points. For small budgets (tens of trials: fitting is
 * O(n^3)); categorical and conditional parameters are drawn at random.
 */
export function gpSampler(options: GpOptions = {}): Sampler {
  const nStartup = assertNumber('nStartupTrials', options.nStartupTrials ?? 10, {
    min: 1,
    integer: true,
  });
  const nCand = assertNumber('nCandidates', options.nCandidates ?? 2000, { min: 1, integer: true });
  const cache = new Map<number, Record<string, ParamValue>>();
  const propose = (ctx: SampleContext): Record<string, ParamValue> => {
    const done = ctx.trials.filter(
      (t) => t.state === 'complete' && Number.isFinite(score(t, ctx.direction)),
    );
    if (done.length < nStartup) return {};
    const first = done[0]!;
    const names = Object.keys(first.distributions).filter(
      (n) =>
        first.distributions[n]!.type !== 'categorical' &&
        done.every(
          (t) =>
            t.distributions[n] && sameDistribution(t.distributions[n]!, first.distributions[n]!),
        ),
    );
    if (names.length === 0) return {};
    const dists = names.map((n) => first.distributions[n] as FloatDistribution | IntDistribution);
    const bounds = dists.map(internalBounds);
    const unit = (t: FrozenTrial) =>
      names.map((n, j) => {
        const [lo, hi] = bounds[j]!;
        return hi > lo ? (toInternal(dists[j]!, t.params[n]!) - lo) / (hi - lo) : 0.5;
      });
    const X = done.map(unit);
    const raw = done.map((t) => score(t, ctx.direction));
    const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
    const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / raw.length) || 1;
    const y = raw.map((v) => (v - mean) / sd);
    const gp = fitGp(X, y);
    if (!gp) return {};
    const yBest = Math.min(...y);
    const ei = (x: number[]) => {
      const [mu, s] = predict(gp, x);
      const z = (yBest - mu) / s;
      return (yBest - mu) * normCdf(z) + s * normPdf(z);
    };
    const order = y.map((_, i) => i).sort((a, b) => y[a]! - y[b]!);
    let best: number[] = X[order[0]!]!;
    let bestEi = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < nCand; c++) {
      let x: number[];
      if (c % 4 === 0) {
        const base = X[order[ctx.rng.int(0, Math.min(5, order.length))]!]!;
        x = base.map((v) => Math.min(1, Math.max(0, v + ctx.rng.normal(0, 0.05))));
      } else x = names.map(() => ctx.rng.next());
      const e = ei(x);
      if (e > bestEi) {
        bestEi = e;
        best = x;
      }
    }
    return Object.fromEntries(
      names.map((n, j) => {
        const [lo, hi] = bounds[j]!;
        return [n, fromInternal(dists[j]!, lo + best[j]! * (hi - lo))];
      }),
    );
  };
  return {
    kind: 'hpo.gpSampler',
    sample(name: string, d: Distribution, ctx): ParamValue {
      let proposal = cache.get(ctx.trial.number);
      if (!proposal) {
        proposal = propose(ctx);
        cache.set(ctx.trial.number, proposal);
      }
      return name in proposal ? proposal[name]! : sampleUniform(d, ctx);
    },
    toJSON: () => ({
      kind: 'hpo.gpSampler',
      version: 1,
      nStartupTrials: nStartup,
      nCandidates: nCand,
    }),
  };
}

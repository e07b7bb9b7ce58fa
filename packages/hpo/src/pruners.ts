import { assertNumber } from '@trainkit/core';
import { type FrozenTrial, lastStep } from './trial';

/** Decides from intermediate values whether a running trial should stop early. */
export interface Pruner {
  readonly kind: string;
  /** `trial` has just reported at its last step; `trials` are the study's other trials. */
  shouldPrune(
    trial: FrozenTrial,
    trials: FrozenTrial[],
    direction: 'minimize' | 'maximize',
  ): boolean;
  toJSON(): { kind: string; version: number; [k: string]: unknown };
}

const better = (a: number, b: number, dir: 'minimize' | 'maximize') =>
  dir === 'minimize' ? a < b : a > b;

/** Never prunes. */
export function nopPruner(): Pruner {
  return {
    kind: 'hpo.nopPruner',
    shouldPrune: () => false,
    toJSON: () => ({ kind: 'hpo.nopPruner', version: 1 }),
  };
}

/**
 * Median stopping rule (Golovin et al. 2017, Google Vizier): prune a trial whose value at step
 * s is worse than the median of the completed trials' values at s. Waits for `nStartupTrials`
 * completed trials and `nWarmupSteps` steps.
 */
export function medianPruner(
  options: { nStartupTrials?: number; nWarmupSteps?: number } = {},
): Pruner {
  const nStartup = assertNumber('nStartupTrials', options.nStartupTrials ?? 5, {
    min: 0,
    integer: true,
  });
  const nWarmup = assertNumber('nWarmupSteps', options.nWarmupSteps ?? 0, {
    min: 0,
    integer: true,
  });
  return {
    kind: 'hpo.medianPruner',
    shouldPrune(trial, trials, dir) {
      const step = lastStep(trial);
      if (step === undefined || step < nWarmup) return false;
      const done = trials.filter((t) => t.state === 'complete' && t.number !== trial.number);
      if (done.length < nStartup) return false;
      const vals = done
        .map((t) => t.intermediate[step])
        .filter((v): v is number => typeof v === 'number')
        .sort((a, b) => a - b);
      if (vals.length === 0) return false;
      const m =
        vals.length % 2
          ? vals[vals.length >> 1]!
          : (vals[(vals.length >> 1) - 1]! + vals[vals.length >> 1]!) / 2;
      const v = trial.intermediate[step]!;
      return Number.isNaN(v) || better(m, v, dir);
    },
    toJSON: () => ({
      kind: 'hpo.medianPruner',
      version: 1,
      nStartupTrials: nStartup,
      nWarmupSteps: nWarmup,
    }),
  };
}

export interface AshaOptions {
  /** Resource (step) of the first rung. Default 1. */
  minResource?: number;
  /** Keep the top 1/eta at every rung. Default 3. */
  reductionFactor?: number;
  /** Rungs start at minResource * eta^minEarlyStoppingRate. Default 0. */
  minEarlyStoppingRate?: number;
}

function rungsOf(o: Required<AshaOptions>, maxStep: number): number[] {
  const out: number[] = [];
  for (let k = o.minEarlyStoppingRate; ; k++) {
    const r = o.minResource * o.reductionFactor ** k;
    if (r > maxStep) return out;
    out.push(r);
  }
}

/** The value a trial that reached `step` reported there (or last before it); undefined if it did not reach it. */
function valueAt(t: FrozenTrial, step: number): number | undefined {
  if ((lastStep(t) ?? -1) < step) return undefined;
  let best: number | undefined;
  let bestStep = -1;
  for (const [s, v] of Object.entries(t.intermediate)) {
    const si = Number(s);
    if (si <= step && si > bestStep) {
      bestStep = si;
      best = v;
    }
  }
  return best;
}

function ashaDecision(
  o: Required<AshaOptions>,
  trial: FrozenTrial,
  peers: FrozenTrial[],
  dir: 'minimize' | 'maximize',
): boolean {
  const step = lastStep(trial);
  if (step === undefined) return false;
  const rungs = rungsOf(o, step);
  if (rungs.length === 0) return false;
  const rung = rungs.at(-1)!;
  const mine = valueAt(trial, rung)!;
  if (Number.isNaN(mine)) return true;
  // All trials (finished or running) that reached this rung compete; keep the top 1/eta.
  const vals = peers
    .filter((t) => t.number !== trial.number)
    .map((t) => valueAt(t, rung))
    .filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
  vals.push(mine);
  const k = Math.max(1, Math.floor(vals.length / o.reductionFactor));
  const sorted = vals.sort((a, b) => (dir === 'minimize' ? a - b : b - a));
  const cutoff = sorted[k - 1]!;
  return better(cutoff, mine, dir);
}

/**
 * Asynchronous successive halving (ASHA; Li et al. 2020): rungs at steps
 * `minResource * eta^k`; a trial that reaches a rung continues only if its value there is in the
 * top `1/eta` of all trials that reached that rung so far — no waiting for a full bracket, so it
 * suits parallel workers.
 */
export function ashaPruner(options: AshaOptions = {}): Pruner {
  const o: Required<AshaOptions> = {
    minResource: assertNumber('minResource', options.minResource ?? 1, { min: 1, integer: true }),
    reductionFactor: assertNumber('reductionFactor', options.reductionFactor ?? 3, {
      min: 2,
      integer: true,
    }),
    minEarlyStoppingRate: assertNumber('minEarlyStoppingRate', options.minEarlyStoppingRate ?? 0, {
      min: 0,
      integer: true,
    }),
  };
  return {
    kind: 'hpo.ashaPruner',
    shouldPrune: (trial, trials, dir) => ashaDecision(o, trial, trials, dir),
    toJSON: () => ({ kind: 'hpo.ashaPruner', version: 1, ...o }),
  };
}

/**
 * Hyperband (Li et al. 2018) on top of ASHA: `nBrackets` brackets with early-stopping rates
 * 0..n-1 (more aggressive to more conservative); trial i runs in bracket i mod n and competes only
 * with trials of its bracket. Hedges against a wrong guess of how early curves are informative.
 */
export function hyperbandPruner(options: {
  minResource?: number;
  maxResource: number;
  reductionFactor?: number;
}): Pruner {
  const minResource = assertNumber('minResource', options.minResource ?? 1, {
    min: 1,
    integer: true,
  });
  const maxResource = assertNumber('maxResource', options?.maxResource, {
    min: minResource,
    integer: true,
  });
  const eta = assertNumber('reductionFactor', options.reductionFactor ?? 3, {
    min: 2,
    integer: true,
  });
  const nBrackets = Math.floor(Math.log(maxResource / minResource) / Math.log(eta) + 1e-9) + 1;
  const bracketOf = (t: FrozenTrial) => t.number % nBrackets;
  return {
    kind: 'hpo.hyperbandPruner',
    shouldPrune(trial, trials, dir) {
      const b = bracketOf(trial);
      const o = { minResource, reductionFactor: eta, minEarlyStoppingRate: b };
      return ashaDecision(
        o,
        trial,
        trials.filter((t) => bracketOf(t) === b),
        dir,
      );
    },
    toJSON: () => ({
      kind: 'hpo.hyperbandPruner',
      version: 1,
      minResource,
      maxResource,
      reductionFactor: eta,
    }),
  };
}

// The samplers and pruners of this package in the core registry, by explicit call (never on
// import, so `sideEffects: false` holds). `samplerFromJSON` / `prunerFromJSON` register on first use.
import { fromJSON, registerKind } from '@trainkit/core';
import { type CmaEsOptions, cmaEsSampler } from './cma-es-sampler';
import type { Choice } from './distributions';
import { geneticSampler } from './genetic-sampler';
import { gpSampler } from './gp-sampler';
import { gridSampler } from './grid-sampler';
import {
  type AshaOptions,
  ashaPruner,
  hyperbandPruner,
  medianPruner,
  nopPruner,
  type Pruner,
} from './pruners';
import { randomSampler } from './random-sampler';
import type { Sampler } from './sampler';
import { tpeSampler } from './tpe-sampler';

/** The kinds {@link registerHpoKinds} registers. */
export const HPO_KINDS = [
  'hpo.randomSampler',
  'hpo.gridSampler',
  'hpo.tpeSampler',
  'hpo.gpSampler',
  'hpo.cmaEsSampler',
  'hpo.geneticSampler',
  'hpo.nopPruner',
  'hpo.medianPruner',
  'hpo.ashaPruner',
  'hpo.hyperbandPruner',
] as const;

/**
 * Registers this package's samplers (`hpo.tpeSampler`, ...) and pruners (`hpo.medianPruner`,
 * ...) with the core registry, so the core `fromJSON` rebuilds them. Idempotent;
 * {@link samplerFromJSON} and {@link prunerFromJSON} call it for you.
 * @example registerHpoKinds(); const sampler = fromJSON<Sampler>(json); // core fromJSON
 */
export function registerHpoKinds(): void {
  registerKind('hpo.randomSampler', () => randomSampler());
  registerKind('hpo.gridSampler', (j) => gridSampler(j.grid as Record<string, Choice[]>));
  registerKind('hpo.tpeSampler', (j) =>
    tpeSampler({
      nStartupTrials: j.nStartupTrials as number,
      nEiCandidates: j.nEiCandidates as number,
      priorWeight: j.priorWeight as number,
      multivariate: j.multivariate as boolean,
    }),
  );
  registerKind('hpo.gpSampler', (j) =>
    gpSampler({ nStartupTrials: j.nStartupTrials as number, nCandidates: j.nCandidates as number }),
  );
  registerKind('hpo.cmaEsSampler', (j) => {
    const o: CmaEsOptions = {
      sigma0: j.sigma0 as number,
      independentSampler: fromJSON<Sampler>(j.independentSampler),
    };
    if (j.populationSize !== undefined) o.populationSize = j.populationSize as number;
    return cmaEsSampler(o);
  });
  registerKind('hpo.geneticSampler', (j) =>
    geneticSampler({
      populationSize: j.populationSize as number,
      tournamentSize: j.tournamentSize as number,
      mutationScale: j.mutationScale as number,
    }),
  );
  registerKind('hpo.nopPruner', () => nopPruner());
  registerKind('hpo.medianPruner', (j) =>
    medianPruner({
      nStartupTrials: j.nStartupTrials as number,
      nWarmupSteps: j.nWarmupSteps as number,
    }),
  );
  registerKind('hpo.ashaPruner', (j) => ashaPruner(j as AshaOptions));
  registerKind('hpo.hyperbandPruner', (j) => hyperbandPruner(j as never));
}

/**
 * Rebuilds a sampler from its `toJSON()` (registers this package's kinds first).
 * @example const again = samplerFromJSON(tpeSampler({ nStartupTrials: 5 }).toJSON());
 */
export function samplerFromJSON(json: unknown): Sampler {
  registerHpoKinds();
  return fromJSON<Sampler>(json);
}

/**
 * Rebuilds a pruner from its `toJSON()` (registers this package's kinds first).
 * @example const again = prunerFromJSON(medianPruner({ nStartupTrials: 5 }).toJSON());
 */
export function prunerFromJSON(json: unknown): Pruner {
  registerHpoKinds();
  return fromJSON<Pruner>(json);
}

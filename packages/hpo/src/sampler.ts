import type { Rng } from '@trainkit/core';
import type { Distribution, ParamValue } from './distributions';
import type { StudyState } from './storage';
import type { FrozenTrial } from './trial';

/** What a sampler sees when it picks a value. */
export interface SampleContext {
  /** Finished trials of the study (complete and pruned), as of the trial's start. */
  trials: FrozenTrial[];
  /** The trial being sampled (params suggested so far included). */
  trial: FrozenTrial;
  direction: 'minimize' | 'maximize';
  rng: Rng;
}

/** Chooses parameter values. Samplers are small objects with a `kind` and `toJSON`. */
export interface Sampler {
  readonly kind: string;
  /** A value for parameter `name` of `distribution`. */
  sample(name: string, distribution: Distribution, ctx: SampleContext): ParamValue;
  /**
   * Called inside the storage transaction that creates a trial (grid points are claimed here,
   * so two workers never get the same one). Returning `done: true` ends the study.
   */
  reserve?(state: StudyState): { gridId?: number; done?: boolean };
  toJSON(): { kind: string; version: number; [k: string]: unknown };
}

/** The objective to minimise: value for 'minimize', -value for 'maximize'. */
export function score(t: FrozenTrial, direction: 'minimize' | 'maximize'): number {
  const v = t.values?.[0] ?? Number.NaN;
  return direction === 'minimize' ? v : -v;
}

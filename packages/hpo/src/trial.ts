import type { Distribution, ParamValue } from './distributions';

export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

/** A trial as stored: its parameters, result and intermediate values. */
export interface FrozenTrial {
  number: number;
  state: TrialState;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  /** Objective value(s); one per direction. */
  values?: number[];
  /** Intermediate values reported with `trial.report(step, value)`, by step. */
  intermediate: Record<number, number>;
  userAttrs: Record<string, unknown>;
  /** Fixed parameters for this trial (manual search / enqueued trials). */
  fixed?: Record<string, ParamValue>;
  /** Grid point id claimed by a grid sampler. */
  gridId?: number;
  worker?: string;
  startedAt: number;
  completedAt?: number;
  error?: string;
}

/** The last reported step of a trial, or undefined. */
export function lastStep(t: FrozenTrial): number | undefined {
  const steps = Object.keys(t.intermediate).map(Number);
  return steps.length ? Math.max(...steps) : undefined;
}

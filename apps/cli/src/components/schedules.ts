import type { Serialized } from '@trainkit/core';
import { type Choices, resolveChoice } from './choices';

/** Learning-rate schedules over a run, by the name the CLI and the demo offer. */
export const SCHEDULES: Choices<
  'constant' | 'cosine' | 'warmup-cosine' | 'step' | 'exponential' | 'inverse-time' | 'one-cycle'
> = {
  family: 'schedule',
  names: [
    'constant',
    'cosine',
    'warmup-cosine',
    'step',
    'exponential',
    'inverse-time',
    'one-cycle',
  ],
  aliases: { onecycle: 'one-cycle' },
};
export type ScheduleName = (typeof SCHEDULES.names)[number];

/** What a schedule is fitted to: the run's length and the peak learning rate. */
export interface ScheduleContext {
  /** Peak (initial) learning rate. */
  learningRate: number;
  /** Optimizer steps in the whole run. */
  totalSteps: number;
  /** Optimizer steps per epoch (exponential and inverse-time count time in epochs). */
  stepsPerEpoch: number;
  /**
   * Linear warm-up steps before the schedule (not for one-cycle, which has its own). Default 0,
   * or a tenth of the run for `warmup-cosine`.
   */
  warmupSteps?: number;
}

const schedule = (kind: string, options: Record<string, unknown>): Serialized => ({
  kind: `schedules.${kind}`,
  version: 1,
  ...options,
});

/**
 * The `{ kind, ... }` spec (or the plain number, for `constant` without warm-up) of the learning
 * rate `name` over a run; rebuild it with {@link fromSpec}. The schedule after a warm-up spans the
 * remaining steps, so a decay ends with the run.
 *
 * @example
 * scheduleSpec('cosine', { learningRate: 0.1, totalSteps: 1000, stepsPerEpoch: 100 });
 * // { kind: 'schedules.cosineDecay', version: 1, initialValue: 0.1, decaySteps: 1000 }
 */
export function scheduleSpec(name: string, ctx: ScheduleContext): number | Serialized {
  const canonical = resolveChoice('schedule', name, SCHEDULES);
  const lr = ctx.learningRate;
  if (canonical === 'one-cycle') {
    return schedule('oneCycle', { maxValue: lr, totalSteps: Math.max(2, ctx.totalSteps) });
  }
  const warmup =
    ctx.warmupSteps ??
    (canonical === 'warmup-cosine' ? Math.max(1, Math.floor(ctx.totalSteps / 10)) : 0);
  const total = Math.max(1, ctx.totalSteps - warmup);
  const epoch = Math.max(1, ctx.stepsPerEpoch);
  const base: Serialized = {
    constant: () => schedule('constant', { value: lr }),
    cosine: () => schedule('cosineDecay', { initialValue: lr, decaySteps: total }),
    'warmup-cosine': () => schedule('cosineDecay', { initialValue: lr, decaySteps: total }),
    step: () =>
      schedule('stepDecay', {
        initialValue: lr,
        stepSize: Math.max(1, Math.floor(total / 3)),
        gamma: 0.1,
      }),
    exponential: () =>
      schedule('exponentialDecay', { initialValue: lr, decayRate: 0.8, decaySteps: epoch }),
    // 1/t annealing, t counted in epochs (continuously): lr / (1 + step / stepsPerEpoch).
    'inverse-time': () =>
      schedule('inverseTimeDecay', { initialValue: lr, decayRate: 1, decaySteps: epoch }),
  }[canonical]();
  if (warmup > 0) return schedule('linearWarmup', { schedule: base, warmupSteps: warmup });
  return canonical === 'constant' ? lr : base;
}

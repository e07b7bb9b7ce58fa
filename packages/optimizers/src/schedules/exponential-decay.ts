import { assertNumber, type Schedule, type Serialized } from '@trainkit/core';
import { makeSchedule } from './make-schedule';

export interface ExponentialDecayOptions {
  initialValue: number;
  /** Factor per `decaySteps` steps, > 0. */
  decayRate: number;
  /** Steps per factor of `decayRate` (> 0). Default 1 (PyTorch `ExponentialLR`). */
  decaySteps?: number;
  /** Decay in whole periods (`floor(step / decaySteps)`). Default false. */
  staircase?: boolean;
}

/**
 * Exponential annealing: `initialValue * decayRate^(step / decaySteps)`, the exponent floored
 * when `staircase`.
 * @example exponentialDecay({ initialValue: 0.1, decayRate: 0.5, decaySteps: 10 })(20) // 0.025
 */
export function exponentialDecay(
  options: ExponentialDecayOptions,
): Schedule & { toJSON(): Serialized } {
  const initialValue = assertNumber('initialValue', options?.initialValue);
  const decayRate = assertNumber('decayRate', options.decayRate, { min: 0, exclusiveMin: true });
  const decaySteps = assertNumber('decaySteps', options.decaySteps ?? 1, {
    min: 0,
    exclusiveMin: true,
  });
  const staircase = options.staircase ?? false;
  return makeSchedule(
    'schedules.exponentialDecay',
    (step) => {
      const p = step / decaySteps;
      return initialValue * decayRate ** (staircase ? Math.floor(p) : p);
    },
    { initialValue, decayRate, decaySteps, staircase },
  );
}

import { assertNumber, type Schedule, type Serialized } from '@trainkit/core';
import { makeSchedule } from './make-schedule';

export interface InverseTimeDecayOptions {
  initialValue: number;
  /** >= 0. */
  decayRate: number;
  /** > 0. Default 1. */
  decaySteps?: number;
  /** Floor `step / decaySteps`. Default false. */
  staircase?: boolean;
}

/**
 * 1/t annealing: `initialValue / (1 + decayRate * step / decaySteps)`.
 * @example inverseTimeDecay({ initialValue: 0.1, decayRate: 1 })(9) // 0.01
 */
export function inverseTimeDecay(
  options: InverseTimeDecayOptions,
): Schedule & { toJSON(): Serialized } {
  const initialValue = assertNumber('initialValue', options?.initialValue);
  const decayRate = assertNumber('decayRate', options.decayRate, { min: 0 });
  const decaySteps = assertNumber('decaySteps', options.decaySteps ?? 1, {
    min: 0,
    exclusiveMin: true,
  });
  const staircase = options.staircase ?? false;
  return makeSchedule(
    'schedules.inverseTimeDecay',
    (step) => {
      const p = step / decaySteps;
      return initialValue / (1 + decayRate * (staircase ? Math.floor(p) : p));
    },
    { initialValue, decayRate, decaySteps, staircase },
  );
}

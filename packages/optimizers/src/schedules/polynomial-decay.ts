import { assertNumber, type Schedule, type Serialized } from '@trainkit/core';
import { makeSchedule } from './make-schedule';

export interface PolynomialDecayOptions {
  initialValue: number;
  /** Value reached at `decaySteps` and kept after. Default 0. */
  endValue?: number;
  /** Integer >= 1. */
  decaySteps: number;
  /** > 0. Default 1 (linear). */
  power?: number;
}

/**
 * `(initialValue - endValue) * (1 - min(step, T) / T)^power + endValue`.
 * @example polynomialDecay({ initialValue: 1, decaySteps: 10 })(5) // 0.5
 */
export function polynomialDecay(
  options: PolynomialDecayOptions,
): Schedule & { toJSON(): Serialized } {
  const initialValue = assertNumber('initialValue', options?.initialValue);
  const endValue = assertNumber('endValue', options.endValue ?? 0);
  const decaySteps = assertNumber('decaySteps', options.decaySteps, { min: 1, integer: true });
  const power = assertNumber('power', options.power ?? 1, { min: 0, exclusiveMin: true });
  return makeSchedule(
    'schedules.polynomialDecay',
    (step) =>
      (initialValue - endValue) * (1 - Math.min(step, decaySteps) / decaySteps) ** power + endValue,
    { initialValue, endValue, decaySteps, power },
  );
}

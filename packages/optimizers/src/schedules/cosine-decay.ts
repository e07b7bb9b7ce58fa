import { assertNumber, type Schedule, type Serialized } from '@trainkit/core';
import { makeSchedule } from './make-schedule';

export interface CosineDecayOptions {
  initialValue: number;
  /** Length of the (first) cosine period, integer >= 1. */
  decaySteps: number;
  /** Value at the end of a period. Default 0. */
  minValue?: number;
  /** Warm restarts (SGDR): jump back to `initialValue` at the end of each period. Default false. */
  restarts?: boolean;
  /** With restarts, each period is this many times longer than the previous (>= 1). Default 1. */
  periodMultiplier?: number;
}

/**
 * Cosine annealing `min + (init - min) (1 + cos(pi t / T)) / 2` (PyTorch `CosineAnnealingLR`),
 * held at `minValue` after `decaySteps`; with `restarts`, SGDR's warm restarts with periods
 * `T, T m, T m^2, ...` (PyTorch `CosineAnnealingWarmRestarts`). Loshchilov & Hutter 2017, eq. 5.
 * @example cosineDecay({ initialValue: 0.1, decaySteps: 100, restarts: true, periodMultiplier: 2 })
 */
export function cosineDecay(options: CosineDecayOptions): Schedule & { toJSON(): Serialized } {
  const initialValue = assertNumber('initialValue', options?.initialValue);
  const decaySteps = assertNumber('decaySteps', options.decaySteps, { min: 1, integer: true });
  const minValue = assertNumber('minValue', options.minValue ?? 0);
  const restarts = options.restarts ?? false;
  const periodMultiplier = assertNumber('periodMultiplier', options.periodMultiplier ?? 1, {
    min: 1,
  });
  const cosine = (t: number, T: number) =>
    minValue + ((initialValue - minValue) * (1 + Math.cos((Math.PI * t) / T))) / 2;
  return makeSchedule(
    'schedules.cosineDecay',
    (step) => {
      if (!restarts) return cosine(Math.min(step, decaySteps), decaySteps);
      let t = step;
      let T = decaySteps;
      while (t >= T) {
        t -= T;
        T *= periodMultiplier;
      }
      return cosine(t, T);
    },
    { initialValue, decaySteps, minValue, restarts, periodMultiplier },
  );
}

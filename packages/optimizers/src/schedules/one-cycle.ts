import { assertNumber, type Schedule, type Serialized } from '@trainkit/core';
import { makeSchedule } from './make-schedule';

export interface OneCycleOptions {
  /** Peak value. */
  maxValue: number;
  /** Length of the cycle, integer >= 2. */
  totalSteps: number;
  /** Fraction of steps spent rising, in (0, 1). Default 0.3. */
  pctStart?: number;
  /** Start value = maxValue / divFactor. Default 25. */
  divFactor?: number;
  /** End value = start / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
}

/**
 * The 1cycle policy with cosine annealing, two phases, as PyTorch `OneCycleLR`
 * (`three_phase=False`): from `maxValue/divFactor` up to `maxValue` over `pctStart * totalSteps - 1`
 * steps, then down to `maxValue/divFactor/finalDivFactor` at step `totalSteps - 1`.
 * Smith & Topin 2019.
 * @example oneCycle({ maxValue: 0.1, totalSteps: 1000 })
 */
export function oneCycle(options: OneCycleOptions): Schedule & { toJSON(): Serialized } {
  const maxValue = assertNumber('maxValue', options?.maxValue, { min: 0 });
  const totalSteps = assertNumber('totalSteps', options.totalSteps, { min: 2, integer: true });
  const pctStart = assertNumber('pctStart', options.pctStart ?? 0.3, {
    min: 0,
    max: 1,
    exclusiveMin: true,
    exclusiveMax: true,
  });
  const divFactor = assertNumber('divFactor', options.divFactor ?? 25, {
    min: 0,
    exclusiveMin: true,
  });
  const finalDivFactor = assertNumber('finalDivFactor', options.finalDivFactor ?? 1e4, {
    min: 0,
    exclusiveMin: true,
  });
  const initial = maxValue / divFactor;
  const min = initial / finalDivFactor;
  const peakStep = pctStart * totalSteps - 1;
  const lastStep = totalSteps - 1;
  const anneal = (start: number, end: number, pct: number) =>
    end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  return makeSchedule(
    'schedules.oneCycle',
    (step) => {
      const t = Math.min(step, lastStep);
      if (t <= peakStep) return anneal(initial, maxValue, peakStep <= 0 ? 1 : t / peakStep);
      return anneal(maxValue, min, (t - peakStep) / (lastStep - peakStep));
    },
    { maxValue, totalSteps, pctStart, divFactor, finalDivFactor },
  );
}

import { assertNumber, type Schedule, type Serialized } from '@trainkit/core';
import { makeSchedule } from './make-schedule';

export interface StepDecayOptions {
  initialValue: number;
  /** Steps between two decays (integer >= 1). */
  stepSize: number;
  /** Factor applied every `stepSize` steps, >= 0. Default 0.1. */
  gamma?: number;
}

/**
 * Step annealing: `initialValue * gamma^floor(step / stepSize)` (PyTorch `StepLR`).
 * @example stepDecay({ initialValue: 0.1, stepSize: 30, gamma: 0.1 })(65) // 0.001
 */
export function stepDecay(options: StepDecayOptions): Schedule & { toJSON(): Serialized } {
  const initialValue = assertNumber('initialValue', options?.initialValue);
  const stepSize = assertNumber('stepSize', options.stepSize, { min: 1, integer: true });
  const gamma = assertNumber('gamma', options.gamma ?? 0.1, { min: 0 });
  return makeSchedule(
    'schedules.stepDecay',
    (step) => initialValue * gamma ** Math.floor(step / stepSize),
    { initialValue, stepSize, gamma },
  );
}

import { assertNumber, ConfigError, type Schedule, type Serialized } from '@trainkit/core';
import { makeSchedule } from './make-schedule';

export interface LinearWarmupOptions {
  /** Steps of linear warm-up, integer >= 0. */
  warmupSteps: number;
  /** Value at step 0. Default 0. */
  initialValue?: number;
}

/**
 * Ramps linearly from `initialValue` to `schedule(0)` over `warmupSteps`, then follows
 * `schedule(step - warmupSteps)`. Goyal et al. 2017, section 2.2.
 * @example linearWarmup(cosineDecay({ initialValue: 0.1, decaySteps: 1000 }), { warmupSteps: 100 })
 */
export function linearWarmup(
  schedule: Schedule,
  options: LinearWarmupOptions,
): Schedule & { toJSON(): Serialized } {
  if (typeof schedule !== 'function') {
    throw new ConfigError('must be a schedule', {
      argument: 'schedule',
      expected: 'a function (step) => number',
      received: schedule,
    });
  }
  const warmupSteps = assertNumber('warmupSteps', options?.warmupSteps, { min: 0, integer: true });
  const initialValue = assertNumber('initialValue', options.initialValue ?? 0);
  const peak = schedule(0);
  return makeSchedule(
    'schedules.linearWarmup',
    (step) =>
      step < warmupSteps
        ? initialValue + ((peak - initialValue) * step) / warmupSteps
        : schedule(step - warmupSteps),
    {
      warmupSteps,
      initialValue,
      get schedule() {
        if (typeof schedule.toJSON !== 'function') {
          throw new ConfigError('the wrapped schedule cannot be serialized', {
            argument: 'schedule',
            expected: 'a trainkit schedule with toJSON()',
            received: schedule,
          });
        }
        return schedule.toJSON();
      },
    },
  );
}

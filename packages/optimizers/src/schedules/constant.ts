import { assertNumber, type Schedule, type Serialized } from '@trainkit/core';
import { makeSchedule } from './make-schedule';

/**
 * The same value at every step.
 * @example constant({ value: 0.1 })(1000) // 0.1
 */
export function constant(options: { value: number }): Schedule & { toJSON(): Serialized } {
  const value = assertNumber('value', options?.value);
  return makeSchedule('schedules.constant', () => value, { value });
}

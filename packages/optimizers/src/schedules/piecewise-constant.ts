import { assertNumber, ConfigError, type Schedule, type Serialized } from '@trainkit/core';
import { makeSchedule } from './make-schedule';

export interface PiecewiseConstantOptions {
  /** Increasing steps at which the value changes. */
  boundaries: number[];
  /** `boundaries.length + 1` values: `values[i]` holds from `boundaries[i-1]` (inclusive). */
  values: number[];
}

/**
 * `values[i]` where `i` is the number of boundaries `<= step` (the value changes *at* a
 * boundary, like PyTorch `MultiStepLR` milestones).
 * @example piecewiseConstant({ boundaries: [100, 200], values: [0.1, 0.01, 0.001] })(100) // 0.01
 */
export function piecewiseConstant(
  options: PiecewiseConstantOptions,
): Schedule & { toJSON(): Serialized } {
  const boundaries = options?.boundaries;
  const values = options?.values;
  if (
    !Array.isArray(boundaries) ||
    !Array.isArray(values) ||
    values.length !== boundaries.length + 1
  ) {
    throw new ConfigError('values must have one more entry than boundaries', {
      argument: 'values',
      expected: `an array of length boundaries.length + 1`,
      received: values,
    });
  }
  boundaries.forEach((b, i) => {
    assertNumber(`boundaries[${i}]`, b, {
      min: i === 0 ? 0 : (boundaries[i - 1] as number),
      exclusiveMin: i > 0,
    });
  });
  for (const [i, v] of values.entries()) assertNumber(`values[${i}]`, v);
  return makeSchedule(
    'schedules.piecewiseConstant',
    (step) => values[boundaries.filter((b) => b <= step).length] as number,
    { boundaries: [...boundaries], values: [...values] },
  );
}

import {
  assertNumber,
  ConfigError,
  fromJSON,
  type HyperParam,
  type NumberBounds,
  type Schedule,
} from '@trainkit/core';

/**
 * Validates a hyper-parameter that is a number (checked against `bounds`) or a schedule
 * (checked at step 0, so a schedule that starts out of range fails early).
 */
export function checkHyper(name: string, h: unknown, bounds: NumberBounds): HyperParam {
  if (typeof h === 'function') {
    assertNumber(`${name}(0)`, (h as Schedule)(0), bounds);
    return h as Schedule;
  }
  return assertNumber(name, h, bounds);
}

/** The JSON form of a hyper-parameter: the number, or the schedule's `toJSON()`. */
export function hyperToJSON(name: string, h: HyperParam): unknown {
  if (typeof h === 'number') return h;
  if (typeof h.toJSON !== 'function') {
    throw new ConfigError('a schedule without toJSON() cannot be serialized', {
      argument: name,
      expected: 'a number or a trainkit schedule (with toJSON)',
      received: h,
    });
  }
  return h.toJSON();
}

/** Rebuilds a hyper-parameter from {@link hyperToJSON}'s output. */
export function hyperFromJSON(h: unknown): HyperParam {
  if (typeof h === 'number') return h;
  return fromJSON<Schedule>(h);
}

import { assertNumber, ConfigError, ValueRangeError } from '@trainkit/core';

/** A float in [low, high], optionally log-scaled or on a step grid. */
export interface FloatDistribution {
  type: 'float';
  low: number;
  high: number;
  log: boolean;
  step?: number;
}
/** An integer in [low, high], optionally log-scaled, on a step grid (default step 1). */
export interface IntDistribution {
  type: 'int';
  low: number;
  high: number;
  log: boolean;
  step: number;
}
/** One of a list of choices (numbers, strings, booleans or null). */
export interface CategoricalDistribution {
  type: 'categorical';
  choices: readonly Choice[];
}
export type Choice = number | string | boolean | null;
export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;
export type ParamValue = number | Choice;

/**
 * A float search dimension. `log: true` samples uniformly in log space (learning rates, weight
 * decay); `step` snaps to `low + k * step`.
 * @example float(1e-5, 1e-1, { log: true })
 */
export function float(
  low: number,
  high: number,
  options: { log?: boolean; step?: number } = {},
): FloatDistribution {
  assertNumber('low', low);
  assertNumber('high', high);
  if (low > high)
    throw new ValueRangeError('low must be <= high', {
      argument: 'low',
      expected: `<= ${high}`,
      received: low,
    });
  const log = options.log ?? false;
  if (log && low <= 0) {
    throw new ValueRangeError('a log-scaled range needs a positive low bound', {
      argument: 'low',
      expected: '> 0 with log: true',
      received: low,
    });
  }
  if (options.step !== undefined) {
    assertNumber('step', options.step, { min: 0, exclusiveMin: true });
    if (log)
      throw new ConfigError('step and log cannot be combined', {
        argument: 'step',
        expected: 'no step with log: true',
      });
  }
  return options.step === undefined
    ? { type: 'float', low, high, log }
    : { type: 'float', low, high, log, step: options.step };
}

/** An integer search dimension. @example int(16, 256, { log: true }) */
export function int(
  low: number,
  high: number,
  options: { log?: boolean; step?: number } = {},
): IntDistribution {
  assertNumber('low', low, { integer: true });
  assertNumber('high', high, { integer: true });
  if (low > high)
    throw new ValueRangeError('low must be <= high', {
      argument: 'low',
      expected: `<= ${high}`,
      received: low,
    });
  const step = assertNumber('step', options.step ?? 1, { min: 1, integer: true });
  const log = options.log ?? false;
  if (log && low <= 0) {
    throw new ValueRangeError('a log-scaled range needs a positive low bound', {
      argument: 'low',
      expected: '>= 1 with log: true',
      received: low,
    });
  }
  if (log && step !== 1)
    throw new ConfigError('step and log cannot be combined', {
      argument: 'step',
      expected: 'step 1 with log: true',
    });
  return { type: 'int', low, high, log, step };
}

/** A categorical search dimension. @example categorical(['relu', 'tanh']) */
export function categorical(choices: readonly Choice[]): CategoricalDistribution {
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new ConfigError('categorical needs at least one choice', {
      argument: 'choices',
      expected: 'a non-empty array',
      received: choices,
    });
  }
  return { type: 'categorical', choices: [...choices] };
}

/** Internal representation: log for log-scaled numbers, the choice index for categoricals. */
export function toInternal(d: Distribution, v: ParamValue): number {
  if (d.type === 'categorical') {
    const i = d.choices.indexOf(v as Choice);
    if (i < 0)
      throw new ConfigError('value is not one of the choices', {
        argument: 'value',
        expected: JSON.stringify(d.choices),
        received: v,
      });
    return i;
  }
  return d.log ? Math.log(v as number) : (v as number);
}

/** The value of an internal representation, rounded onto the distribution's grid. */
export function fromInternal(d: Distribution, x: number): ParamValue {
  if (d.type === 'categorical')
    return d.choices[Math.min(d.choices.length - 1, Math.max(0, Math.round(x)))]!;
  let v = d.log ? Math.exp(x) : x;
  if (d.type === 'int') {
    v = d.low + Math.round((v - d.low) / d.step) * d.step;
    return Math.min(d.high - ((d.high - d.low) % d.step), Math.max(d.low, v));
  }
  if (d.step !== undefined) v = d.low + Math.round((v - d.low) / d.step) * d.step;
  return Math.min(d.high, Math.max(d.low, v));
}

/** Internal bounds [lo, hi] of a numeric distribution (log applied). */
export function internalBounds(d: FloatDistribution | IntDistribution): [number, number] {
  return d.log ? [Math.log(d.low), Math.log(d.high)] : [d.low, d.high];
}

/** Is `v` a value of `d`? */
export function contains(d: Distribution, v: unknown): boolean {
  if (d.type === 'categorical') return d.choices.includes(v as Choice);
  if (typeof v !== 'number' || !(v >= d.low && v <= d.high)) return false;
  if (d.type === 'int') return Number.isInteger(v) && (v - d.low) % d.step === 0;
  return (
    d.step === undefined ||
    Math.abs(((v - d.low) / d.step) % 1) < 1e-9 ||
    Math.abs(((v - d.low) / d.step) % 1) > 1 - 1e-9
  );
}

/** Two distributions are the same dimension (needed when a name is suggested again). */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

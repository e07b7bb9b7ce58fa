import { ConfigError, DTypeError, NaNError, ShapeError, ValueRangeError } from './errors';

/** Bounds for {@link assertNumber}; `min`/`max` are inclusive unless the `exclusive*` flag is set. */
export interface NumberBounds {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  integer?: boolean;
}

function interval(b: NumberBounds): string {
  const lo = b.min === undefined ? '(-inf' : `${b.exclusiveMin ? '(' : '['}${b.min}`;
  const hi = b.max === undefined ? 'inf)' : `${b.max}${b.exclusiveMax ? ')' : ']'}`;
  return `${b.integer ? 'an integer' : 'a number'} in ${lo}, ${hi}`;
}

/**
 * Checks that `value` is a finite number within `bounds`; throws a typed error naming `name`.
 * Returns the value so it can be used inline: `this.lr = assertNumber('learningRate', lr, {min: 0})`.
 */
export function assertNumber(name: string, value: unknown, bounds: NumberBounds = {}): number {
  const expected = interval(bounds);
  if (typeof value !== 'number') {
    throw new ConfigError('must be a number', { argument: name, expected, received: value });
  }
  if (!Number.isFinite(value))
    throw new NaNError('must be finite', { argument: name, expected, received: value });
  if (bounds.integer && !Number.isInteger(value)) {
    throw new ValueRangeError('must be an integer', { argument: name, expected, received: value });
  }
  const { min, max } = bounds;
  const below = min !== undefined && (bounds.exclusiveMin ? value <= min : value < min);
  const above = max !== undefined && (bounds.exclusiveMax ? value >= max : value > max);
  if (below || above)
    throw new ValueRangeError('out of range', { argument: name, expected, received: value });
  return value;
}

/** A positive integer (count, size, step). */
export function assertPositiveInt(name: string, value: unknown): number {
  return assertNumber(name, value, { min: 1, integer: true });
}

/** Checks that `value` is one of `choices`. */
export function assertOneOf<T extends string>(
  name: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new ConfigError('unknown choice', {
      argument: name,
      expected: `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`,
      received: value,
    });
  }
  return value as T;
}

/**
 * Checks a shape against an expected one where `null` (or -1) matches any size.
 * @example assertShape('x', x.shape, [null, 28, 28, 1])
 */
export function assertShape(
  name: string,
  shape: readonly number[],
  expected: readonly (number | null)[],
): void {
  const ok =
    shape.length === expected.length &&
    expected.every((d, i) => d === null || d === -1 || d === shape[i]);
  if (!ok) {
    throw new ShapeError('wrong shape', {
      argument: name,
      expected: `shape [${expected.map((d) => (d === null || d === -1 ? '*' : d)).join(', ')}]`,
      receivedText: `[${shape.join(', ')}]`,
    });
  }
}

/** Checks the rank (number of dimensions). */
export function assertRank(
  name: string,
  shape: readonly number[],
  rank: number | readonly number[],
): void {
  const ranks = typeof rank === 'number' ? [rank] : rank;
  if (!ranks.includes(shape.length)) {
    throw new ShapeError('wrong rank', {
      argument: name,
      expected: `rank ${ranks.join(' or ')}`,
      receivedText: `rank ${shape.length} (shape [${shape.join(', ')}])`,
    });
  }
}

/** Checks a dtype. */
export function assertDType(name: string, dtype: string, allowed: readonly string[]): void {
  if (!allowed.includes(dtype)) {
    throw new DTypeError('wrong dtype', {
      argument: name,
      expected: allowed.join(' or '),
      receivedText: dtype,
    });
  }
}

/** Checks that every value of a numeric array is finite; names the first bad index. */
export function assertFiniteValues(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      throw new NaNError(`contains ${Number.isNaN(v) ? 'NaN' : 'an infinity'} at flat index ${i}`, {
        argument: name,
        expected: 'finite values',
      });
    }
  }
}

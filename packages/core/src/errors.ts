/** Stable machine-readable error codes shared by every trainkit package. */
export type ErrorCode = 'SHAPE' | 'DTYPE' | 'RANGE' | 'NAN' | 'CONFIG' | 'STATE' | 'IO';

export interface ErrorDetails {
  /** The argument (or option, file, layer...) that was wrong, as the caller named it. */
  argument?: string;
  /** What was expected, in words: `rank 2`, `a number in (0, 1]`, `float32`. */
  expected?: string;
  /** The value that came instead (rendered with {@link describeValue}). */
  received?: unknown;
  /** What came instead, already in words (`rank 3 (shape [2, 3, 4])`); wins over `received`. */
  receivedText?: string;
  /** The underlying error, when this one wraps another. */
  cause?: unknown;
}

// A process-wide marker (`Symbol.for`), so that an error thrown by one copy of
// @trainkit/core (a CommonJS entry, a second installed version) is recognised by another;
// `instanceof` alone compares class identities, which differ between copies.
const BRAND = Symbol.for('trainkit.error');

/** The code a TrainkitError class stands for (`undefined` for the base class). */
const classCodes = new WeakMap<object, ErrorCode>();

/**
 * Base class of every error trainkit throws on purpose. `code` is stable across versions;
 * the message names the argument, what was expected and what came. `instanceof` works across
 * duplicate copies of this package (it checks a `Symbol.for` brand and the code), and so does
 * {@link isTrainkitError}.
 *
 * @example
 * try { toTensor([[1, 2], [3]], { name: 'x' }) } catch (e) {
 *   if (isTrainkitError(e, 'SHAPE')) console.error(e.message);
 * }
 */
export class TrainkitError extends Error {
  /** `e instanceof ShapeError` is true for any copy's error with the brand and code `SHAPE`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!isBranded(value)) return false;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class right of `instanceof` (a subclass too)
    const code = classCodes.get(this);
    return code === undefined ? true : value.code === code;
  }

  readonly code: ErrorCode;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    const received =
      details.receivedText ??
      (details.received === undefined ? undefined : describeValue(details.received));
    const parts = [message];
    if (details.expected !== undefined) parts.push(`expected ${details.expected}`);
    if (received !== undefined) parts.push(`received ${received}`);
    const prefix = details.argument === undefined ? '' : `${details.argument}: `;
    super(
      `${prefix}${parts.join('; ')}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
    this.code = code;
    this.argument = details.argument;
    this.expected = details.expected;
    this.received = received;
  }
}

/** A tensor or array has the wrong rank or shape. */
export class ShapeError extends TrainkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('SHAPE', message, details);
  }
}
/** A tensor has the wrong dtype. */
export class DTypeError extends TrainkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('DTYPE', message, details);
  }
}
/** A number lies outside its allowed range (negative learning rate, beta >= 1, ...). */
export class ValueRangeError extends TrainkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('RANGE', message, details);
  }
}
/** A NaN or infinity where finite numbers are required (inputs, losses). */
export class NaNError extends TrainkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('NAN', message, details);
  }
}
/** An option or serialized config is malformed, unknown or inconsistent. */
export class ConfigError extends TrainkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('CONFIG', message, details);
  }
}
/** An object is used in the wrong state (transform not fitted, disposed, ...). */
export class StateError extends TrainkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('STATE', message, details);
  }
}
/** Reading or writing a file, URL or storage failed, or its contents are corrupt. */
export class IOError extends TrainkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('IO', message, details);
  }
}

classCodes.set(ShapeError, 'SHAPE');
classCodes.set(DTypeError, 'DTYPE');
classCodes.set(ValueRangeError, 'RANGE');
classCodes.set(NaNError, 'NAN');
classCodes.set(ConfigError, 'CONFIG');
classCodes.set(StateError, 'STATE');
classCodes.set(IOError, 'IO');

function isBranded(e: unknown): e is TrainkitError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * `true` when `e` is a TrainkitError, optionally with the given code. Recognises errors from
 * any copy of @trainkit/core (the brand is `Symbol.for('trainkit.error')`).
 */
export function isTrainkitError(e: unknown, code?: ErrorCode): e is TrainkitError {
  return isBranded(e) && (code === undefined || e.code === code);
}

/** A short human rendering of any value for error messages (never the whole of a big array). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (ArrayBuffer.isView(v)) {
    const n = (v as unknown as { length?: number }).length ?? v.byteLength;
    return `${v.constructor.name}(${n})`;
  }
  if (Array.isArray(v)) {
    if (v.length > 8) return `array of length ${v.length}`;
    return `[${v.map(describeValue).join(', ')}]`;
  }
  const t = v as { shape?: unknown; dtype?: unknown; rankType?: unknown };
  if (Array.isArray(t.shape) && typeof t.dtype === 'string') {
    return `Tensor(shape [${(t.shape as number[]).join(', ')}], ${t.dtype})`;
  }
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

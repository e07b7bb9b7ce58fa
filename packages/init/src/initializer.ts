import type * as tf from '@tensorflow/tfjs-core';
import { assertNumber, ConfigError, Rng, type Serialized, ShapeError } from '@trainkit/core';

/**
 * An initializer: a function of a weight shape returning a new tensor the caller owns,
 * plus `toJSON()` so it serializes through the core registry.
 * @example
 * const init: Initializer = heNormal({ rng: 0 });
 * const w = init([784, 256]); // caller disposes w
 */
export interface Initializer {
  (shape: readonly number[], dtype?: 'float32'): tf.Tensor;
  readonly kind: string;
  toJSON(): Serialized;
}

/** Options shared by the random initializers. */
export interface RandomOptions {
  /** A seed or a core `Rng`; same seed, same weights. Default seed 0. */
  rng?: number | Rng;
}

/** Resolves `rng` and the JSON that rebuilds it (its state now, so a rebuild replays the draws). */
export function resolveRng(rng: number | Rng | undefined): { rng: Rng; json: Serialized['rng'] } {
  if (rng instanceof Rng) return { rng, json: rng.getState() };
  if (rng !== undefined && typeof rng !== 'number') {
    throw new ConfigError('must be a seed or an Rng', {
      argument: 'rng',
      expected: 'a non-negative integer seed or an Rng',
      received: rng,
    });
  }
  const r = new Rng(rng ?? 0);
  return { rng: r, json: r.getState() };
}

/** Rebuilds an Rng from what {@link resolveRng} wrote. */
export function rngFromJSON(json: unknown): Rng {
  return json === undefined
    ? new Rng(0)
    : Rng.fromState(json as Parameters<typeof Rng.fromState>[0]);
}

/** Validates a shape argument and returns the element count. */
export function checkShape(shape: readonly number[]): number {
  if (!Array.isArray(shape)) {
    throw new ShapeError('must be an array of dimensions', {
      argument: 'shape',
      expected: 'number[]',
      received: shape,
    });
  }
  let n = 1;
  shape.forEach((d, i) => {
    n *= assertNumber(`shape[${i}]`, d, { min: 1, integer: true });
  });
  return n;
}

/** Checks the dtype: trainkit initializers make float32 weights. */
export function checkDType(dtype: string | undefined): void {
  if (dtype !== undefined && dtype !== 'float32') {
    throw new ConfigError('unsupported dtype', {
      argument: 'dtype',
      expected: "'float32'",
      received: dtype,
    });
  }
}

/** Builds an {@link Initializer} from a sampling function and its JSON form. */
export function makeInitializer(
  kind: string,
  json: Omit<Serialized, 'kind' | 'version'>,
  sample: (shape: number[]) => tf.Tensor,
): Initializer {
  const fn = (shape: readonly number[], dtype?: 'float32'): tf.Tensor => {
    checkShape(shape);
    checkDType(dtype);
    return sample([...shape]);
  };
  return Object.assign(fn, {
    kind,
    toJSON: (): Serialized => ({ kind, version: 1, ...json }),
  });
}

import { Rng, type Serialized } from '@trainkit/core';
import { type Choices, resolveChoice } from './choices';

/** Seeded kernel initializers by the name the CLI and the demo offer. */
export const INITIALIZERS: Choices<
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heNormal'
  | 'heUniform'
  | 'lecunNormal'
  | 'lecunUniform'
  | 'orthogonal'
  | 'smallRandom'
> = {
  family: 'initializer',
  names: [
    'glorotUniform',
    'glorotNormal',
    'heNormal',
    'heUniform',
    'lecunNormal',
    'lecunUniform',
    'orthogonal',
    'smallRandom',
  ],
  aliases: { small: 'smallRandom', leCunNormal: 'lecunNormal', leCunUniform: 'lecunUniform' },
};
export type InitializerName = (typeof INITIALIZERS.names)[number];

// Glorot, He and LeCun are variance scaling Var(w) = scale / fan (Keras' presets); the normal
// ones draw from a normal truncated at 2 sigma.
const SCALING: Record<string, { scale: number; mode: string; distribution: string }> = {
  glorotUniform: { scale: 1, mode: 'fanAvg', distribution: 'uniform' },
  glorotNormal: { scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' },
  heNormal: { scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' },
  heUniform: { scale: 2, mode: 'fanIn', distribution: 'uniform' },
  lecunNormal: { scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' },
  lecunUniform: { scale: 1, mode: 'fanIn', distribution: 'uniform' },
};

/**
 * The `{ kind, ... }` spec of initializer `name` drawing from a generator seeded with `seed`;
 * rebuild it with {@link fromSpec}. One rebuilt initializer called on every kernel in turn
 * continues the same stream, so a seed fixes all the kernels of a model.
 *
 * @example
 * const init = fromSpec<Initializer>(initializerSpec('heNormal', 42));
 */
export function initializerSpec(name: string, seed: number): Serialized {
  const canonical = resolveChoice('init', name, INITIALIZERS);
  const rng = new Rng(seed).getState();
  if (canonical === 'orthogonal') return { kind: 'init.orthogonal', version: 1, gain: 1, rng };
  if (canonical === 'smallRandom') return { kind: 'init.smallRandom', version: 1, std: 0.01, rng };
  return { kind: 'init.varianceScaling', version: 1, ...SCALING[canonical], rng };
}

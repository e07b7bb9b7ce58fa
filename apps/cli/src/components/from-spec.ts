import { registerArchitectureKinds } from '@trainkit/architectures';
import { fromJSON } from '@trainkit/core';
import { registerInitKinds } from '@trainkit/init';
import { registerOptimizerKinds } from '@trainkit/optimizers';
import { registerRegularizerKinds } from '@trainkit/regularizers';

/** Registers the kinds the specs of this module name (optimizers, schedules, init, ...). */
export function registerComponentKinds(): void {
  registerOptimizerKinds();
  registerInitKinds();
  registerRegularizerKinds();
  registerArchitectureKinds();
}

/**
 * Builds a component from its `{ kind, version, ... }` spec through the packages' registries
 * (a number, a learning rate without a schedule, is returned as it is).
 *
 * @example
 * const opt = fromSpec<GradientTransformation>(optimizerSpec('adam', { learningRate: 1e-3 }));
 */
export function fromSpec<T>(spec: unknown): T {
  if (typeof spec === 'number') return spec as T;
  registerComponentKinds();
  return fromJSON<T>(spec);
}

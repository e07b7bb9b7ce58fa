import { ConfigError, type Serialized } from '@trainkit/core';
import { type Choices, resolveChoice } from './choices';

/** Optimizers by the name the CLI and the demo offer (each an `optimizers.<name>` kind). */
export const OPTIMIZERS: Choices<
  'sgd' | 'momentum' | 'nesterov' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad'
> = {
  family: 'optimizer',
  names: ['sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop', 'adagrad'],
  aliases: {},
};
export type OptimizerName = (typeof OPTIMIZERS.names)[number];

/** The optimizers that take a decoupled `weightDecay`. */
export const WITH_WEIGHT_DECAY: readonly OptimizerName[] = ['adamw', 'adam', 'sgd'];
/** The optimizers that take a `momentum` (sgd: heavy ball when given). */
export const WITH_MOMENTUM: readonly OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'rmsprop'];

/** Hyper-parameters of {@link optimizerSpec}. */
export interface OptimizerSpecOptions {
  /** A number or a schedule spec ({@link scheduleSpec}). */
  learningRate: number | Serialized;
  /** Momentum coefficient; momentum and nesterov default to 0.9, sgd/rmsprop to none. */
  momentum?: number;
  /** Decoupled weight decay (adamw, adam, sgd only). */
  weightDecay?: number;
  /** Clip the gradients to this global norm first (Pascanu et al. 2013). */
  clipNorm?: number;
}

/**
 * The `{ kind, ... }` spec of optimizer `name`, with gradient clipping chained in front when
 * `clipNorm` is set; rebuild it with {@link fromSpec}. Weight decay on an optimizer that has no
 * such option is a `ConfigError` naming `weightDecay`.
 *
 * @example
 * optimizerSpec('adamw', { learningRate: 1e-3, weightDecay: 1e-4 });
 * // { kind: 'optimizers.adamw', version: 1, learningRate: 0.001, weightDecay: 0.0001 }
 */
export function optimizerSpec(name: string, options: OptimizerSpecOptions): Serialized {
  const canonical = resolveChoice('optimizer', name, OPTIMIZERS);
  const { learningRate, momentum, weightDecay, clipNorm } = options;
  if (weightDecay !== undefined && !WITH_WEIGHT_DECAY.includes(canonical)) {
    throw new ConfigError(`${canonical} has no weight decay`, {
      argument: 'weightDecay',
      expected: `no weight decay, or one of ${WITH_WEIGHT_DECAY.join(', ')}`,
      received: weightDecay,
    });
  }
  const m = momentum ?? (canonical === 'momentum' || canonical === 'nesterov' ? 0.9 : undefined);
  const spec: Serialized = {
    kind: `optimizers.${canonical}`,
    version: 1,
    learningRate,
    ...(m !== undefined && WITH_MOMENTUM.includes(canonical) ? { momentum: m } : {}),
    // 0 switches adamw's decay off; elsewhere it means no decay term at all.
    ...(weightDecay !== undefined && (canonical === 'adamw' || weightDecay > 0)
      ? { weightDecay }
      : {}),
  };
  if (!clipNorm) return spec;
  return {
    kind: 'optimizers.chain',
    version: 1,
    transforms: [{ kind: 'optimizers.clipByGlobalNorm', version: 1, maxNorm: clipNorm }, spec],
  };
}

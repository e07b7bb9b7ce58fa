import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, type Serialized } from '@trainkit/core';
import type { WeightConstraint } from './constraint';
import { decodeSpec, encodeSpec } from './layers-spec';
import { registerRegularizerKinds, regularizerFromJSON } from './registry';

// tfjs-layers does not export its Constraint base class; NonNeg extends it.
type LayersConstraint = ReturnType<typeof tfl.constraints.nonNeg>;
const ConstraintBase = Object.getPrototypeOf(
  tfl.constraints.nonNeg().constructor,
) as abstract new () => LayersConstraint;

function checkConstraint(c: unknown): WeightConstraint {
  const k = c as WeightConstraint;
  if (typeof k !== 'function' || typeof k.toJSON !== 'function' || typeof k.kind !== 'string') {
    throw new ConfigError('not a trainkit constraint', {
      argument: 'constraint',
      expected: 'maxNorm(), unitNorm(), nonNeg() or minMaxNorm()',
      received: c,
    });
  }
  return k;
}

/**
 * A trainkit constraint as a tfjs-layers `Constraint`, applied by tfjs-layers' optimizers after
 * each update. Serialized as `{ className: 'TrainkitConstraint', config: { spec } }`
 * (`spec`: its `toJSON()` as hex-encoded JSON, see `encodeSpec`).
 */
export class TrainkitConstraint extends ConstraintBase {
  static className = 'TrainkitConstraint';
  readonly constraint: WeightConstraint;

  constructor(config: { spec: string | Serialized } | WeightConstraint) {
    super();
    this.constraint =
      typeof config === 'function'
        ? checkConstraint(config)
        : checkConstraint(regularizerFromJSON(decodeSpec(config?.spec)));
  }

  override apply(w: tf.Tensor): tf.Tensor {
    return this.constraint(w, '');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { spec: encodeSpec(this.constraint.toJSON()) };
  }

  override getClassName(): string {
    return TrainkitConstraint.className;
  }

  static fromConfig<T>(_cls: unknown, config: { spec: string | Serialized }): T {
    return new TrainkitConstraint(config) as unknown as T;
  }
}

/**
 * A constraint as a tfjs-layers constraint.
 * @example tf.layers.dense({ units: 64, kernelConstraint: toLayersConstraint(maxNorm({ maxValue: 3 })) })
 */
export function toLayersConstraint(constraint: WeightConstraint): TrainkitConstraint {
  return new TrainkitConstraint(checkConstraint(constraint));
}

/** Registers {@link TrainkitConstraint} with tfjs-layers serialization. Explicit, idempotent. */
export function registerLayersConstraints(): void {
  registerRegularizerKinds();
  tf.serialization.registerClass(
    TrainkitConstraint as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
}

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, type Serialized } from '@trainkit/core';
import { decodeSpec, encodeSpec } from './layers-spec';
import type { WeightPenalty } from './penalty';
import { registerRegularizerKinds, regularizerFromJSON } from './registry';

// tfjs-layers does not export its Regularizer base class; L1L2 extends it.
type LayersRegularizer = ReturnType<typeof tfl.regularizers.l1l2>;
const RegularizerBase = Object.getPrototypeOf(
  tfl.regularizers.l1l2().constructor,
) as abstract new () => LayersRegularizer;

function checkPenalty(penalty: unknown): WeightPenalty {
  const p = penalty as WeightPenalty;
  if (typeof p !== 'function' || typeof p.weight !== 'function' || typeof p.toJSON !== 'function') {
    throw new ConfigError('not a trainkit weight penalty', {
      argument: 'penalty',
      expected: 'l1(), l2() or elasticNet()',
      received: penalty,
    });
  }
  return p;
}

/**
 * A trainkit penalty as a tfjs-layers `Regularizer` (its `weight(w)` term; `appliesTo` is moot
 * since the layer names the weight). Serialized in model JSON as
 * `{ className: 'TrainkitRegularizer', config: { spec } }`,
 * `spec` being its `toJSON()` as hex-encoded JSON (see `encodeSpec`).
 */
export class TrainkitRegularizer extends RegularizerBase {
  static className = 'TrainkitRegularizer';
  readonly penalty: WeightPenalty;

  constructor(config: { spec: string | Serialized } | WeightPenalty) {
    super();
    this.penalty =
      typeof config === 'function'
        ? checkPenalty(config)
        : checkPenalty(regularizerFromJSON(decodeSpec(config?.spec)));
  }

  override apply(x: tf.Tensor): tf.Scalar {
    return this.penalty.weight(x);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { spec: encodeSpec(this.penalty.toJSON()) };
  }

  override getClassName(): string {
    return TrainkitRegularizer.className;
  }

  static fromConfig<T>(_cls: unknown, config: { spec: string | Serialized }): T {
    return new TrainkitRegularizer(config) as unknown as T;
  }
}

/**
 * A penalty as a tfjs-layers regularizer.
 * @example
 * tf.layers.dense({ units: 10, kernelRegularizer: toLayersRegularizer(l2({ lambda: 1e-4, convention: 'half' })) })
 */
export function toLayersRegularizer(penalty: WeightPenalty): TrainkitRegularizer {
  return new TrainkitRegularizer(checkPenalty(penalty));
}

/**
 * Registers {@link TrainkitRegularizer} (and the `regularizers.*` kinds) with tfjs-layers
 * serialization so saved models that use trainkit penalties load. Explicit, idempotent.
 */
export function registerLayersRegularizers(): void {
  registerRegularizerKinds();
  tf.serialization.registerClass(
    TrainkitRegularizer as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
}

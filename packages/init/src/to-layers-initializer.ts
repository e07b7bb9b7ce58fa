import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, type Serialized } from '@trainkit/core';
import type { Initializer } from './initializer';
import { initializerFromJSON, registerInitKinds } from './registry';

// tfjs-layers does not export its Initializer base class; every built-in one extends it.
type LayersInitializer = ReturnType<typeof tfl.initializers.zeros>;
type LayersInitializerBase = abstract new () => LayersInitializer;
const InitializerBase = Object.getPrototypeOf(
  tfl.initializers.zeros().constructor,
) as LayersInitializerBase;

/**
 * A trainkit initializer wrapped as a tfjs-layers `Initializer`, serialized in model JSON as
 * `{ className: 'TrainkitInitializer', config: { spec } }` where `spec` is its `toJSON()`.
 * @example new TrainkitInitializer(orthogonal({ gain: 2 })).apply([64, 64])
 */
export class TrainkitInitializer extends InitializerBase {
  static className = 'TrainkitInitializer';
  readonly init: Initializer;

  constructor(config: { spec: Serialized } | Initializer) {
    super();
    this.init = typeof config === 'function' ? config : initializerFromJSON(config?.spec);
  }

  override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    if (dtype !== undefined && dtype !== 'float32') {
      throw new ConfigError('unsupported dtype', {
        argument: 'dtype',
        expected: "'float32'",
        received: dtype,
      });
    }
    return this.init(shape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { spec: this.init.toJSON() as unknown as tf.serialization.ConfigDict };
  }

  override getClassName(): string {
    return TrainkitInitializer.className;
  }

  static fromConfig<T>(_cls: unknown, config: { spec: Serialized }): T {
    return new TrainkitInitializer(config) as unknown as T;
  }
}

/**
 * Registers {@link TrainkitInitializer} with tfjs-layers serialization so saved models that use
 * trainkit initializers load. Explicit (not on import); idempotent.
 * @example registerLayersInitializers(); const model = await tf.loadLayersModel(url);
 */
export function registerLayersInitializers(): void {
  registerInitKinds();
  tf.serialization.registerClass(
    TrainkitInitializer as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
}

/**
 * A trainkit initializer as a tfjs-layers initializer.
 * @example
 * tf.layers.dense({ units: 64, kernelInitializer: toLayersInitializer(heNormal({ rng: 0 })) })
 */
export function toLayersInitializer(init: Initializer): TrainkitInitializer {
  if (typeof init !== 'function' || typeof init.toJSON !== 'function') {
    throw new ConfigError('not a trainkit initializer', {
      argument: 'init',
      expected: 'an Initializer (e.g. heNormal())',
      received: init,
    });
  }
  return new TrainkitInitializer(init);
}

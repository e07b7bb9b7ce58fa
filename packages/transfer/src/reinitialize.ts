import type * as tf from '@tensorflow/tfjs-core';
import { type LayersModel, models } from '@tensorflow/tfjs-layers';
import { ConfigError, toRng } from '@trainkit/core';

type Json = Record<string, unknown>;

/** Options of {@link reinitialize}. */
export interface ReinitializeOptions {
  /** Seed of the fresh weights (default 0): the same seed gives the same weights. */
  seed?: number;
}

/**
 * The same architecture with fresh weights drawn from each layer's own initializers (the
 * lecture's case 4, "train from scratch", as a baseline for transfer): the topology is rebuilt
 * from `model.toJSON()` with every initializer seeded from `seed`, so the run is reproducible;
 * batch-norm statistics restart at 0 / 1. Returns a new model the caller owns; `model` is left
 * as it was.
 *
 * @example
 * const scratch = await reinitialize(await loadModelFromPath('./darknet-tiny'), { seed: 1 });
 */
export async function reinitialize(
  model: LayersModel,
  options: ReinitializeOptions = {},
): Promise<LayersModel> {
  if (!model || typeof (model as { toJSON?: unknown }).toJSON !== 'function') {
    throw new ConfigError('a tfjs-layers model is needed', { argument: 'model', received: model });
  }
  const rng = toRng(options.seed ?? 0);
  const topology = model.toJSON(null, false) as unknown as Json;
  // Every initializer config carries a `seed` key (Keras writes null); give each its own.
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Json;
    const config = o.config as Json | undefined;
    if (
      typeof o.class_name === 'string' &&
      config &&
      typeof config === 'object' &&
      'seed' in config
    ) {
      config.seed = rng.int(0, 2 ** 31 - 1);
    }
    for (const v of Object.values(o)) visit(v);
  };
  visit(topology);
  return (await models.modelFromJSON({
    modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'],
  } as never)) as LayersModel;
}

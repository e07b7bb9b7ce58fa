import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';

/** A layer named or indexed in `model.layers`; negative indices count from the end. */
export function resolveLayerIndex(
  model: LayersModel,
  layer: string | number,
  argument = 'layer',
): number {
  const n = model.layers.length;
  if (typeof layer === 'number') {
    const i = layer < 0 ? n + layer : layer;
    if (!Number.isInteger(layer) || i < 0 || i >= n) {
      throw new ConfigError('layer index out of range', {
        argument,
        expected: `an integer in [${-n}, ${n - 1}]`,
        received: layer,
      });
    }
    return i;
  }
  const i = model.layers.findIndex((l) => l.name === layer);
  if (i < 0) {
    throw new ConfigError('no layer with this name', {
      argument,
      expected: `one of ${model.layers.map((l) => l.name).join(', ')}`,
      received: layer,
    });
  }
  return i;
}

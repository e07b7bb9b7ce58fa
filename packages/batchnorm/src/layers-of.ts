import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';
import { BatchNormalization } from './batch-normalization';

/** Checks that `model` is a tfjs-layers model. */
export function checkModel(model: unknown): tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel)) {
    throw new ConfigError('must be a tfjs-layers model', {
      argument: 'model',
      expected: 'a tf.LayersModel (tf.sequential or tf.model)',
      received: model,
    });
  }
  return model;
}

/**
 * Every {@link BatchNormalization} layer of a model, nested models included, in order.
 * @example for (const bn of batchNormLayers(model)) bn.trainable = false; // freeze all BN
 */
export function batchNormLayers(model: tfl.LayersModel): BatchNormalization[] {
  const out: BatchNormalization[] = [];
  for (const layer of model.layers) {
    if (layer instanceof BatchNormalization) out.push(layer);
    else if (layer instanceof tfl.LayersModel) out.push(...batchNormLayers(layer));
  }
  return out;
}

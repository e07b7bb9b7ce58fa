import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';
import { resolveLayerIndex } from './resolve-layer';

/**
 * A model from the inputs of `model` to the output of `layer` (a name, or an index into
 * `model.layers`, negative from the end), for Sequential and functional models. The new model
 * **shares** the layers (and so the weights) of `model`: training one trains the other.
 *
 * @example const codes = cutAt(doodlenet, 'dense'); // drop the 345-way classifier
 * @example const body = cutAt(model, -2);
 */
export function cutAt(model: tfl.LayersModel, layer: string | number): tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel)) {
    throw new ConfigError('not a tfjs-layers model', {
      argument: 'model',
      expected: 'a LayersModel',
      received: model,
    });
  }
  const i = resolveLayerIndex(model, layer);
  const target = model.layers[i]!;
  if (target.inboundNodes.length !== 1) {
    throw new ConfigError('the layer is shared or unconnected; its output is ambiguous', {
      argument: 'layer',
      expected: 'a layer called exactly once in the model',
      received: target.name,
    });
  }
  return tfl.model({
    inputs: model.inputs,
    outputs: target.output as tfl.SymbolicTensor,
    name: `${model.name}_cut_${target.name}`,
  });
}

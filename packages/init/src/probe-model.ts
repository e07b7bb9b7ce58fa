import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';

type Layer = tfl.layers.Layer;

/** Checks that `model` is a built tfjs-layers model. */
export function checkModel(model: unknown): tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel) || model.inputs === undefined) {
    throw new ConfigError('must be a built tfjs-layers model', {
      argument: 'model',
      expected: 'a tf.LayersModel (tf.sequential or tf.model) with known inputs',
      received: model,
    });
  }
  return model;
}

/** Checks that `x` is a float tensor with a batch dimension. */
export function checkBatch(x: unknown, name = 'x'): tf.Tensor {
  if (!(x instanceof tf.Tensor) || x.rank < 2) {
    throw new ConfigError('must be a batch tensor', {
      argument: name,
      expected: 'a tf.Tensor of rank >= 2 (batch first)',
      received: x,
    });
  }
  return x;
}

/** The layers of a model that compute something (no InputLayer), in topological order. */
export function computingLayers(model: tfl.LayersModel): Layer[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer');
}

/** A model mapping the inputs of `model` to the outputs of `layers` (shares their weights). */
export function probeModel(model: tfl.LayersModel, layers: Layer[]): tfl.LayersModel {
  const outputs = layers.map((l) => l.output as tfl.SymbolicTensor);
  return tfl.model({ inputs: model.inputs, outputs });
}

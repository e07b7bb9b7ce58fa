import * as tfl from '@tensorflow/tfjs-layers';
import { assertNumber, assertOneOf, assertPositiveInt, ConfigError } from '@trainkit/core';
import { resolveLayerIndex } from './resolve-layer';

export interface ReplaceHeadOptions {
  /** Widths of hidden ReLU layers before the classifier. Default `[]` (a linear head). */
  hidden?: number[];
  /** Dropout rate before each head dense layer, in [0, 1). Default 0. */
  dropout?: number;
  /** Keep the network up to this layer (name or index). Default: the layer before the last. */
  cutAt?: string | number;
  /** Prefix of the new layers' names (weight names `head_dense_0/kernel`). Default `'head'`. */
  name?: string;
  /**
   * How a spatial cut point `[h, w, c]` becomes a vector: `'flatten'` (default, `h * w * c`
   * features) or `'avg'` (global average pooling, `c` features: the ImageNet networks' own head,
   * and the only sensible one at 224x224 where a flattened map has 100,000 features).
   */
  pool?: 'flatten' | 'avg';
}

/**
 * Replaces the classifier of a pretrained network: keeps it up to `cutAt` (default: everything
 * but the last layer), flattens if needed, and adds `hidden` ReLU layers and a new
 * `numClasses`-way linear layer producing **logits** (use `softmaxCrossEntropy`). The body's
 * layers are shared with `model`. New weights are named `<name>_dense_<k>/kernel`, so
 * `'<name>_*\/**'` selects the head.
 *
 * @example const net = replaceHead(doodlenet, 10, { hidden: [128], dropout: 0.2 });
 */
export function replaceHead(
  model: tfl.LayersModel,
  numClasses: number,
  options: ReplaceHeadOptions = {},
): tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel)) {
    throw new ConfigError('not a tfjs-layers model', {
      argument: 'model',
      expected: 'a LayersModel',
      received: model,
    });
  }
  assertPositiveInt('numClasses', numClasses);
  const hidden = options.hidden ?? [];
  if (!Array.isArray(hidden)) {
    throw new ConfigError('hidden must be an array of layer widths', {
      argument: 'options.hidden',
      expected: 'an array of positive integers',
      received: hidden,
    });
  }
  for (const [k, h] of hidden.entries()) assertPositiveInt(`options.hidden[${k}]`, h);
  const dropout = options.dropout ?? 0;
  assertNumber('options.dropout', dropout, { min: 0, max: 1, exclusiveMax: true });
  const prefix = options.name ?? 'head';
  const pool = assertOneOf('options.pool', options.pool ?? 'flatten', ['flatten', 'avg'] as const);
  const keep = resolveLayerIndex(model, options.cutAt ?? -2, 'options.cutAt');
  const layer = model.layers[keep]!;
  let x = layer.output as tfl.SymbolicTensor;
  if (x.shape.length === 4 && pool === 'avg') {
    x = tfl.layers
      .globalAveragePooling2d({ name: `${prefix}_pool` })
      .apply(x) as tfl.SymbolicTensor;
  } else if (x.shape.length > 2) {
    x = tfl.layers.flatten({ name: `${prefix}_flatten` }).apply(x) as tfl.SymbolicTensor;
  }
  const widths = [...hidden, numClasses];
  widths.forEach((units, k) => {
    if (dropout > 0) {
      x = tfl.layers
        .dropout({ rate: dropout, name: `${prefix}_dropout_${k}` })
        .apply(x) as tfl.SymbolicTensor;
    }
    const last = k === widths.length - 1;
    x = tfl.layers
      .dense({ units, activation: last ? 'linear' : 'relu', name: `${prefix}_dense_${k}` })
      .apply(x) as tfl.SymbolicTensor;
  });
  return tfl.model({ inputs: model.inputs, outputs: x, name: `${model.name}_${prefix}` });
}

// Type-level test (checked by `tsc`, the package's typecheck): `fit` and `evaluate` take a real
// tfjs-layers model as it is, with no cast.
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { evaluate, fit } from './fit';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';

declare const x: tf.Tensor;
declare const y: tf.Tensor;
const sequential = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
const input = tfl.input({ shape: [3] });
const functional = tfl.model({
  inputs: input,
  outputs: tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor,
});
const layersModel: tfl.LayersModel = functional;
export const checks = [
  () => fit(sequential, { x, y }, { loss: softmaxCrossEntropy() }),
  () => fit(functional, { x, y }, { loss: softmaxCrossEntropy() }),
  () => fit(layersModel, { x, y }, { loss: softmaxCrossEntropy() }),
  () => evaluate(sequential, { x, y }, { loss: softmaxCrossEntropy() }),
  // @ts-expect-error: a plain object is not a model
  () => fit({}, { x, y }, { loss: softmaxCrossEntropy() }),
];

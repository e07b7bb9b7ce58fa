// Builds the model the page asked for: an architecture from @trainkit/architectures (or the
// demo's small CNN), with batch norm, dropout and the chosen initializer. Runs in the worker.
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ArchitectureSpec } from '@trainkit/architectures';
import { batchNormalization } from '@trainkit/batchnorm';
import { architectureSpec, fromSpec, initializerSpec } from '@trainkit/cli/components';
import { ConfigError } from '@trainkit/core';
import type { Initializer } from '@trainkit/init';
import { SeededDropout } from '@trainkit/regularizers';
import { ARCHITECTURE_BUILDERS, type TrainConfig } from './protocol';

type Shape3 = [number, number, number];

/** What the page shows beside each architecture: which options apply to it. */
export const ARCHITECTURE_NOTES: Record<TrainConfig['architecture'], string> = {
  cnn: 'small CNN: conv 8 - pool - conv 16 - pool - dense 10 (about 4k weights)',
  lenet5: 'LeNet-5 (modern: ReLU, max pooling), 28x28 input with same padding',
  resnet: 'small ResNet: conv 32 + 2 basic blocks (batch norm always on), global average pool',
};

/** The seeded initializer `name` names, built from its spec; `undefined` for the builder's own. */
function initializer(name: string, seed: number): Initializer | undefined {
  return name === 'default' ? undefined : fromSpec<Initializer>(initializerSpec(name, seed));
}

/** Rewrites every conv/dense kernel with `init` (biases and batch-norm weights keep theirs). */
function reinitialize(model: tfl.LayersModel, init: Initializer): void {
  for (const layer of model.layers)
    for (const w of layer.trainableWeights) {
      if (!/kernel$/.test(w.originalName) && !/kernel$/.test(w.name)) continue;
      const value = init(w.shape as number[]);
      w.write(value as tf.Tensor);
      value.dispose();
    }
}

const isConv = (l: tfl.layers.Layer) => l.getClassName() === 'Conv2D';

/**
 * Rebuilds a chain model (each layer feeding the next) from fresh copies of its layers (same
 * config, new weights), with a batch-norm layer after every conv and dropout before the last
 * layer. Fresh copies keep each layer's output well defined (monitors probe them).
 */
function rechain(model: tfl.LayersModel, batchNorm: boolean, dropout: number, seed: number) {
  const input = tfl.input({ shape: model.inputs[0]!.shape.slice(1) as number[], name: 'input' });
  let x: tfl.SymbolicTensor = input;
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  layers.forEach((layer, i) => {
    if (i === layers.length - 1 && dropout > 0)
      x = new SeededDropout({ rate: dropout, seed, name: 'dropout' }).apply(
        x,
      ) as tfl.SymbolicTensor;
    const Ctor = layer.constructor as new (config: unknown) => tfl.layers.Layer;
    const {
      batchInputShape: _b,
      inputShape: _i,
      ...config
    } = layer.getConfig() as Record<string, unknown>;
    x = new Ctor(config).apply(x) as tfl.SymbolicTensor;
    if (batchNorm && isConv(layer))
      x = batchNormalization({ name: `${layer.name}_bn` }).apply(x) as tfl.SymbolicTensor;
  });
  const name = model.name;
  model.dispose();
  return tfl.model({ inputs: input, outputs: x, name });
}

function smallCnn(inputShape: Shape3, numClasses: number): tfl.LayersModel {
  return tfl.sequential({
    name: 'small_cnn',
    layers: [
      tfl.layers.conv2d({
        inputShape,
        name: 'conv1',
        filters: 8,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: 'heNormal',
      }),
      tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tfl.layers.conv2d({
        name: 'conv2',
        filters: 16,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: 'heNormal',
      }),
      tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ name: 'logits', units: numClasses }),
    ],
  });
}

/** A new model for `config` on examples of `inputShape`, returning logits. */
export function buildModel(
  config: TrainConfig,
  inputShape: Shape3,
  numClasses: number,
): tfl.LayersModel {
  let model: tfl.LayersModel;
  switch (config.architecture) {
    case 'cnn':
      model = rechain(
        smallCnn(inputShape, numClasses),
        config.batchNorm,
        config.dropout,
        config.seed,
      );
      break;
    case 'lenet5': {
      if (inputShape[0] < 28 || inputShape[1] < 28)
        throw new ConfigError('LeNet-5 needs images of at least 28x28', {
          argument: 'architecture',
          receivedText: `${inputShape.join('x')}`,
        });
      const base = fromSpec<ArchitectureSpec>(
        architectureSpec(ARCHITECTURE_BUILDERS.lenet5, {
          inputShape,
          numClasses,
          variant: 'modern',
          outputActivation: 'linear',
        }),
      ).build();
      model = rechain(base, config.batchNorm, config.dropout, config.seed);
      break;
    }
    case 'resnet': {
      const base = fromSpec<ArchitectureSpec>(
        architectureSpec(ARCHITECTURE_BUILDERS.resnet, {
          inputShape,
          numClasses,
          includeTop: false,
          pooling: 'avg',
        }),
      ).build();
      let x = base.outputs[0]!;
      if (config.dropout > 0)
        x = new SeededDropout({ rate: config.dropout, seed: config.seed, name: 'dropout' }).apply(
          x,
        ) as tfl.SymbolicTensor;
      x = tfl.layers
        .dense({ name: 'fc', units: numClasses, kernelInitializer: 'heNormal' })
        .apply(x) as tfl.SymbolicTensor;
      model = tfl.model({ inputs: base.inputs, outputs: x, name: 'small_resnet' });
      break;
    }
    default:
      throw new ConfigError('unknown architecture', {
        argument: 'architecture',
        expected: 'cnn, lenet5 or resnet',
        received: config.architecture,
      });
  }
  const init = initializer(config.init, config.seed);
  if (init) reinitialize(model, init);
  return model;
}

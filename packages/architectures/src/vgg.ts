import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';
import { type HeadLayout, withHead } from './classifier-head';
import {
  activationLayer,
  type BaseOptions,
  call,
  checkOptions,
  inlineActivation,
  resolveBase,
  resolveFlag,
  resolveRate,
  separateActivation,
} from './common';

/** VGG depths (configurations A, B, D, E of Simonyan & Zisserman 2015, Table 1). */
export type VggDepth = 11 | 13 | 16 | 19;

/** Options of {@link vgg}. */
export interface VggOptions extends BaseOptions {
  /** 11, 13, 16 (default) or 19 weight layers. */
  depth?: VggDepth;
  /** Batch normalization after every conv (torchvision's `vgg*_bn`; conv bias kept). Default false. */
  batchNorm?: boolean;
  /** Dropout rate after each hidden dense layer. Default 0.5. */
  dropout?: number;
}

// Filters per conv in each of the 5 blocks (Simonyan & Zisserman 2015, Table 1).
// Dropout after each 4096-unit layer (Keras' layer names), then the logits `predictions`.
const VGG_HEAD: HeadLayout = {
  reduce: { kind: 'flatten', name: 'flatten' },
  hidden: [
    { name: 'fc1', units: 4096, dropoutAfter: 'dropout1' },
    { name: 'fc2', units: 4096, dropoutAfter: 'dropout2' },
  ],
  output: 'predictions',
};

const CONFIGS: Record<VggDepth, number[][]> = {
  11: [[64], [128], [256, 256], [512, 512], [512, 512]],
  13: [
    [64, 64],
    [128, 128],
    [256, 256],
    [512, 512],
    [512, 512],
  ],
  16: [
    [64, 64],
    [128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [512, 512, 512],
  ],
  19: [
    [64, 64],
    [128, 128],
    [256, 256, 256, 256],
    [512, 512, 512, 512],
    [512, 512, 512, 512],
  ],
};

/**
 * VGG-11/13/16/19 (Simonyan & Zisserman 2015, Table 1, configurations A/B/D/E): 3x3 'same' convs,
 * five 2x2 max pools, dense 4096 - 4096 - classes with dropout. VGG-16 at 224x224x3 with 1000
 * classes has 138,357,544 parameters (torchvision `vgg16`). With `batchNorm` it matches
 * torchvision's `vgg*_bn`: trainable weights equal its parameters, the moving mean/variance are
 * tfjs non-trainable weights (torchvision buffers). As with AlexNet there is no adaptive pooling:
 * the first dense layer is sized by the input (7x7x512 at 224). Smallest input: 32x32.
 * Layer names: `block{b}_conv{i}` (`block{b}_bn{i}`, `block{b}_relu{i}` with BN), `block{b}_pool`,
 * `flatten fc1 dropout1 fc2 dropout2 predictions`.
 *
 * @example
 * const model = vgg({ depth: 16, inputShape: [224, 224, 3] }); // 138,357,544 parameters
 */
export function vgg(options: VggOptions = {}): tfl.LayersModel {
  checkOptions(options);
  const depth = options.depth ?? 16;
  if (![11, 13, 16, 19].includes(depth)) {
    throw new ConfigError('unknown VGG depth', {
      argument: 'depth',
      expected: 'one of 11, 13, 16, 19',
      received: depth,
    });
  }
  const o = resolveBase(`vgg${depth}`, options, { inputShape: [224, 224, 3], minSize: 32 });
  const batchNorm = resolveFlag('batchNorm', options.batchNorm, false);
  const rate = resolveRate('dropout', options.dropout, 0.5);
  const name = `vgg${depth}${batchNorm ? '_bn' : ''}`;

  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x = input;
  CONFIGS[depth as VggDepth].forEach((block, b) => {
    block.forEach((filters, i) => {
      const id = `block${b + 1}`;
      x = call(
        tfl.layers.conv2d({
          name: `${id}_conv${i + 1}`,
          filters,
          kernelSize: 3,
          padding: 'same',
          activation: batchNorm ? 'linear' : inlineActivation(o),
          kernelInitializer: o.kernelInitializer,
        }),
        x,
      );
      if (!batchNorm) x = separateActivation(x, o, `${id}_conv${i + 1}`);
      if (batchNorm) {
        // torchvision BatchNorm2d defaults: eps 1e-5, momentum 0.1 (= tfjs momentum 0.9).
        x = call(
          tfl.layers.batchNormalization({ name: `${id}_bn${i + 1}`, epsilon: 1e-5, momentum: 0.9 }),
          x,
        );
        x = call(activationLayer(o, `${id}_relu${i + 1}`), x);
      }
    });
    x = call(tfl.layers.maxPooling2d({ name: `block${b + 1}_pool`, poolSize: 2, strides: 2 }), x);
  });
  return withHead(input, x, o, { ...VGG_HEAD, rate }, name);
}

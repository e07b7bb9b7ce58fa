import * as tfl from '@tensorflow/tfjs-layers';
import { assertOneOf, ConfigError } from '@trainkit/core';
import { AVGPOOL_FC_HEAD, withHead } from './classifier-head';
import { type BaseOptions, call, checkOptions, resolveBase } from './common';
import { basicBlock, blockOptionsOf, bnAct, bottleneckBlock, conv } from './resnet-blocks';

/** ImageNet ResNet depths (He et al. 2016, Table 1). */
export type ResNetDepth = 18 | 34 | 50 | 101 | 152;

/** Options of {@link resnet}. */
export interface ResNetOptions extends BaseOptions {
  /** 18, 34 (basic blocks), 50 (default), 101, 152 (bottlenecks). */
  depth?: ResNetDepth;
  /**
   * `'imagenet'` (default): 7x7/2 conv + 3x3/2 max pool. `'cifar'`: one 3x3/1 conv, no pool (the
   * usual adaptation of ResNet-18 to 32x32 images; same parameter count minus the 7x7 kernel's).
   */
  stem?: 'imagenet' | 'cifar';
}

// Blocks per stage (He et al. 2016, Table 1).
const STAGES: Record<ResNetDepth, number[]> = {
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
  50: [3, 4, 6, 3],
  101: [3, 4, 23, 3],
  152: [3, 8, 36, 3],
};

/**
 * ResNet-18/34/50/101/152 (He et al. 2016, Table 1) as in torchvision: bias-free convs with batch
 * norm, projection shortcuts (option B) where the shape changes, stride on the bottleneck's 3x3
 * conv (v1.5), global average pooling, dense classes. ResNet-50 at 1000 classes has 25,557,032
 * trainable weights, torchvision's parameter count; BN moving statistics are non-trainable
 * weights here and buffers there. Names follow torchvision (`conv1`, `bn1`, `layer3.5.conv2`,
 * `layer2.0.downsample.0`, `fc`). Any input size >= 1 builds (the map shrinks 32x, then GAP).
 *
 * @example
 * const model = resnet({ depth: 50, inputShape: [224, 224, 3] }); // 25,557,032 trainable
 */
export function resnet(options: ResNetOptions = {}): tfl.LayersModel {
  checkOptions(options);
  const depth = options.depth ?? 50;
  if (![18, 34, 50, 101, 152].includes(depth)) {
    throw new ConfigError('unknown ResNet depth', {
      argument: 'depth',
      expected: 'one of 18, 34, 50, 101, 152 (cifarResnet builds 20, 32, 44, 56, 110)',
      received: depth,
    });
  }
  const stem = assertOneOf('stem', options.stem ?? 'imagenet', ['imagenet', 'cifar'] as const);
  const o = resolveBase(`resnet${depth}`, options, {
    inputShape: stem === 'cifar' ? [32, 32, 3] : [224, 224, 3],
    minSize: 1,
    kernelInitializer: 'heNormal',
  });
  const blockOptions = blockOptionsOf(o);
  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x: tfl.SymbolicTensor;
  if (stem === 'imagenet') {
    x = conv(input, 'conv1', 64, 7, 2, o.kernelInitializer);
    x = bnAct(x, o);
    // Zero padding equals PyTorch's -inf padding here: the input is post-ReLU, >= 0.
    x = call(tfl.layers.zeroPadding2d({ name: 'maxpool.pad', padding: 1 }), x);
    x = call(tfl.layers.maxPooling2d({ name: 'maxpool', poolSize: 3, strides: 2 }), x);
  } else {
    x = bnAct(conv(input, 'conv1', 64, 3, 1, o.kernelInitializer), o);
  }
  const bottleneck = depth >= 50;
  STAGES[depth as ResNetDepth].forEach((blocks, s) => {
    const width = 64 * 2 ** s;
    for (let b = 0; b < blocks; b++) {
      const strides = s > 0 && b === 0 ? 2 : 1;
      const name = `layer${s + 1}.${b}`;
      x = bottleneck
        ? bottleneckBlock(x, name, width, strides, blockOptions)
        : basicBlock(x, name, width, strides, blockOptions);
    }
  });
  const name = `resnet${depth}`;
  return withHead(input, x, o, AVGPOOL_FC_HEAD, name);
}

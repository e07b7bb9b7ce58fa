import * as tfl from '@tensorflow/tfjs-layers';
import { assertOneOf, ConfigError } from '@trainkit/core';
import { AVGPOOL_FC_HEAD, withHead } from './classifier-head';
import { type BaseOptions, checkOptions, resolveBase } from './common';
import { registerArchitectureLayers } from './register-layers';
import { basicBlock, blockOptionsOf, bnAct, conv } from './resnet-blocks';

/** Depths 6n+2 of the CIFAR ResNets in He et al. 2016, Table 6. */
export type CifarResNetDepth = 20 | 32 | 44 | 56 | 110;
const DEPTHS: readonly number[] = [20, 32, 44, 56, 110];

/** Options of {@link cifarResnet}. */
export interface CifarResNetOptions extends BaseOptions {
  /** 20 (default), 32, 44, 56 or 110. */
  depth?: CifarResNetDepth;
  /**
   * `'A'` (default, the paper's CIFAR choice): parameter-free shortcuts — subsample and pad new
   * channels with zeros. `'B'`: 1x1 conv + BN projections where the shape changes.
   */
  shortcut?: 'A' | 'B';
}

/**
 * CIFAR ResNet-(6n+2) (He et al. 2016, sec. 4.2): 3x3 conv of 16, three stages of n basic blocks
 * with 16/32/64 filters (stride 2 at the start of stages 2 and 3), global average pooling,
 * dense classes. ResNet-20 with option A shortcuts has 269,722 trainable parameters (272,474
 * with option B). Names: `conv1 bn1 relu layer{s}.{b}.conv1 ... avgpool fc`.
 *
 * @example
 * const model = cifarResnet({ depth: 20, shortcut: 'A', numClasses: 10 });
 */
export function cifarResnet(options: CifarResNetOptions = {}): tfl.LayersModel {
  checkOptions(options);
  const depth = options.depth ?? 20;
  if (!DEPTHS.includes(depth)) {
    throw new ConfigError('unknown CIFAR ResNet depth', {
      argument: 'depth',
      expected: 'one of 20, 32, 44, 56, 110 (6n+2)',
      received: depth,
    });
  }
  const shortcut = assertOneOf('shortcut', options.shortcut ?? 'A', ['A', 'B'] as const);
  const o = resolveBase(`resnet${depth}`, options, {
    inputShape: [32, 32, 3],
    numClasses: 10,
    minSize: 1,
    kernelInitializer: 'heNormal',
  });
  registerArchitectureLayers();
  const blockOptions = blockOptionsOf(o, shortcut === 'A' ? 'pad' : 'projection');
  const n = (depth - 2) / 6;
  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x = bnAct(conv(input, 'conv1', 16, 3, 1, o.kernelInitializer), o);
  [16, 32, 64].forEach((filters, s) => {
    for (let b = 0; b < n; b++) {
      x = basicBlock(x, `layer${s + 1}.${b}`, filters, s > 0 && b === 0 ? 2 : 1, blockOptions);
    }
  });
  const name = `resnet${depth}${shortcut}`;
  return withHead(input, x, o, AVGPOOL_FC_HEAD, name);
}

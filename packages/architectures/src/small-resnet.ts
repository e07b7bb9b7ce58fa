import * as tfl from '@tensorflow/tfjs-layers';
import { AVGPOOL_FC_HEAD, withHead } from './classifier-head';
import { type BaseOptions, checkOptions, resolveBase } from './common';
import { basicBlock, blockOptionsOf, bnAct, conv } from './resnet-blocks';

/** Options of {@link smallResnet}. */
export type SmallResNetOptions = BaseOptions;

/**
 * The benchmarks' small ResNet: 3x3 conv of 32 + BN + ReLU, two basic blocks of 32 channels with
 * BN (He et al. 2016), global average pooling, dense classes. Defaults: 32x32x3 input,
 * 10 classes — 38,378 trainable and 320 non-trainable (BN moving statistics) weights.
 *
 * @example
 * const model = smallResnet(); // [null, 32, 32, 3] -> [null, 10]
 */
export function smallResnet(options: SmallResNetOptions = {}): tfl.LayersModel {
  checkOptions(options);
  const o = resolveBase('smallResnet', options, {
    inputShape: [32, 32, 3],
    numClasses: 10,
    minSize: 1,
    kernelInitializer: 'heNormal',
  });
  const blockOptions = blockOptionsOf(o);
  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x = bnAct(conv(input, 'conv1', 32, 3, 1, o.kernelInitializer), o);
  x = basicBlock(x, 'layer1.0', 32, 1, blockOptions);
  x = basicBlock(x, 'layer1.1', 32, 1, blockOptions);
  return withHead(input, x, o, AVGPOOL_FC_HEAD, 'small_resnet');
}

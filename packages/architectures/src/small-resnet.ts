import * as tfl from '@tensorflow/tfjs-layers';
import { AVGPOOL_FC_HEAD, classifierHead } from './classifier-head';
import { type BaseOptions, checkOptions, poolFeatures, resolveBase } from './common';
import { basicBlock, bnAct, conv } from './resnet-blocks';

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
  const blockOptions = {
    activation: o.activation,
    negativeSlope: o.negativeSlope,
    kernelInitializer: o.kernelInitializer,
    shortcut: 'projection' as const,
  };
  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x = bnAct(conv(input, 'conv1', 32, 3, 1, o.kernelInitializer), o);
  x = basicBlock(x, 'layer1.0', 32, 1, blockOptions);
  x = basicBlock(x, 'layer1.1', 32, 1, blockOptions);
  if (!o.includeTop) {
    return tfl.model({ inputs: input, outputs: poolFeatures(x, o.pooling), name: 'small_resnet' });
  }
  x = classifierHead(x, o, AVGPOOL_FC_HEAD);
  return tfl.model({ inputs: input, outputs: x, name: 'small_resnet' });
}

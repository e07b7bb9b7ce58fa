import * as tfl from '@tensorflow/tfjs-layers';
import {
  type BaseOptions,
  call,
  checkOptions,
  inlineActivation,
  poolFeatures,
  resolveBase,
  resolveRate,
  separateActivation,
} from './common';

/** Options of {@link zfnet}. */
export interface ZfNetOptions extends BaseOptions {
  /** Dropout rate before each of the two hidden dense layers. Default 0.5. */
  dropout?: number;
}

/**
 * ZFNet (Zeiler & Fergus 2013, Fig. 3): AlexNet's sibling with a 7x7 stride-2 first conv (instead
 * of 11x11 stride 4, which aliased the first-layer filters) and a stride-2 second conv; convs of
 * 96-256-384-384-256 filters on one GPU (no grouping); dropout + dense 4096 + dense 4096 + dense
 * classes. At 224x224x3: 110x110x96 after conv1, 55x55 after pool1, 26x26x256 after conv2, 13x13
 * after pool2 and conv3-5, 6x6x256 after pool5 (the paper's sizes); 62,357,608 parameters with
 * 1000 classes. No contrast normalisation (tfjs-layers has no LRN layer, as for {@link alexnet}).
 * conv1 pads 1 pixel explicitly; pool1 and pool2 use `'same'` padding (PyTorch: `padding=1`;
 * equal outputs after a ReLU). Smallest input: 53x53.
 * Layer names: `pad1 conv1 pool1 conv2 pool2 conv3 conv4 conv5 pool5 flatten dropout6 fc6
 * dropout7 fc7 fc8`.
 *
 * @example
 * const model = zfnet({ inputShape: [224, 224, 3] }); // 62,357,608 parameters
 */
export function zfnet(options: ZfNetOptions = {}): tfl.LayersModel {
  checkOptions(options);
  const o = resolveBase('zfnet', options, { inputShape: [224, 224, 3], minSize: 53 });
  const rate = resolveRate('dropout', options.dropout, 0.5);
  const conv = (
    x: tfl.SymbolicTensor,
    name: string,
    filters: number,
    kernelSize: number,
    strides: number,
  ) => {
    const layer = tfl.layers.conv2d({
      name,
      filters,
      kernelSize,
      strides,
      padding: strides === 1 ? 'same' : 'valid',
      activation: inlineActivation(o),
      kernelInitializer: o.kernelInitializer,
    });
    return separateActivation(call(layer, x), o, name);
  };
  const pool = (name: string, padding: 'same' | 'valid') =>
    tfl.layers.maxPooling2d({ name, poolSize: 3, strides: 2, padding });

  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x = call(tfl.layers.zeroPadding2d({ name: 'pad1', padding: 1 }), input);
  x = conv(x, 'conv1', 96, 7, 2);
  x = call(pool('pool1', 'same'), x);
  x = conv(x, 'conv2', 256, 5, 2);
  x = call(pool('pool2', 'same'), x);
  x = conv(x, 'conv3', 384, 3, 1);
  x = conv(x, 'conv4', 384, 3, 1);
  x = conv(x, 'conv5', 256, 3, 1);
  x = call(pool('pool5', 'valid'), x);
  if (!o.includeTop) {
    return tfl.model({ inputs: input, outputs: poolFeatures(x, o.pooling), name: 'zfnet' });
  }
  x = call(tfl.layers.flatten({ name: 'flatten' }), x);
  const dense = (name: string, units: number, activation: string) =>
    tfl.layers.dense({
      name,
      units,
      activation: activation as 'relu',
      kernelInitializer: o.kernelInitializer,
    });
  x = call(tfl.layers.dropout({ name: 'dropout6', rate }), x);
  x = separateActivation(call(dense('fc6', 4096, inlineActivation(o)), x), o, 'fc6');
  x = call(tfl.layers.dropout({ name: 'dropout7', rate }), x);
  x = separateActivation(call(dense('fc7', 4096, inlineActivation(o)), x), o, 'fc7');
  x = call(dense('fc8', o.numClasses, o.outputActivation), x);
  return tfl.model({ inputs: input, outputs: x, name: 'zfnet' });
}

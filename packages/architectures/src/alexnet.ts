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

/** Options of {@link alexnet}. */
export interface AlexNetOptions extends BaseOptions {
  /** Dropout rate before each of the two hidden dense layers. Default 0.5. */
  dropout?: number;
}

/**
 * AlexNet as in torchvision (the "one weird trick" variant, Krizhevsky 2014): convs of
 * 64-192-384-256-256 filters, no LRN, no grouping; dropout + dense 4096 + dense 4096 + dense
 * classes. 61,100,840 parameters at 224x224x3 with 1000 classes, equal to torchvision's.
 * Difference from torchvision: no adaptive average pooling to 6x6 before the classifier, so the
 * first dense layer's size follows the input (it is 6x6x256 at 224x224, where the pooling is the
 * identity). Padding is explicit (zero padding + valid conv) where torchvision pads asymmetrically
 * to `'same'`. Smallest input: 63x63.
 * Layer names: `conv1 pool1 conv2 pool2 conv3 conv4 conv5 pool5 flatten dropout6 fc6 dropout7 fc7 fc8`.
 *
 * @example
 * const model = alexnet({ inputShape: [224, 224, 3] });
 */
export function alexnet(options: AlexNetOptions = {}): tfl.LayersModel {
  checkOptions(options);
  const o = resolveBase('alexnet', options, { inputShape: [224, 224, 3], minSize: 63 });
  const rate = resolveRate('dropout', options.dropout, 0.5);
  const conv = (
    x: tfl.SymbolicTensor,
    name: string,
    filters: number,
    kernelSize: number,
    strides = 1,
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
  const pool = (name: string) => tfl.layers.maxPooling2d({ name, poolSize: 3, strides: 2 });

  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x = call(tfl.layers.zeroPadding2d({ name: 'pad1', padding: 2 }), input);
  x = conv(x, 'conv1', 64, 11, 4);
  x = call(pool('pool1'), x);
  x = conv(x, 'conv2', 192, 5);
  x = call(pool('pool2'), x);
  x = conv(x, 'conv3', 384, 3);
  x = conv(x, 'conv4', 256, 3);
  x = conv(x, 'conv5', 256, 3);
  x = call(pool('pool5'), x);
  if (!o.includeTop) {
    return tfl.model({ inputs: input, outputs: poolFeatures(x, o.pooling), name: 'alexnet' });
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
  return tfl.model({ inputs: input, outputs: x, name: 'alexnet' });
}

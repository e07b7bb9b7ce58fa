import * as tfl from '@tensorflow/tfjs-layers';
import { type HeadLayout, withHead } from './classifier-head';
import {
  type BaseOptions,
  call,
  checkOptions,
  inlineActivation,
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
 * The layout of an AlexNet-family network: zero padding, five convs with max pools after the
 * first, second and fifth, then dropout + dense 4096 + dropout + dense 4096 + dense classes.
 * AlexNet and ZFNet differ only in these numbers.
 */
export interface AlexNetLayout {
  /** Model name. */
  name: string;
  /** Zero padding before conv1, in pixels. */
  padding: number;
  /** Filters of conv1..conv5. */
  filters: number[];
  /** Square kernel sizes of conv1..conv5. */
  kernels: number[];
  /** Strides of conv1..conv5 (stride 1: `'same'` padding, else `'valid'`). */
  strides: number[];
  /** Padding of the 3x3 stride-2 max pool after each conv (`pool<i>`); `null`: no pool. */
  pools: ('same' | 'valid' | null)[];
  /** Smallest input height/width. */
  minSize: number;
}

// torchvision's alexnet (Krizhevsky 2014, "one weird trick").
const ALEXNET: AlexNetLayout = {
  name: 'alexnet',
  padding: 2,
  filters: [64, 192, 384, 256, 256],
  kernels: [11, 5, 3, 3, 3],
  strides: [4, 1, 1, 1, 1],
  pools: ['valid', 'valid', null, null, 'valid'],
  minSize: 63,
};

// Dropout before each 4096-unit layer (torchvision's order), then the logits fc8.
const ALEXNET_HEAD: HeadLayout = {
  reduce: { kind: 'flatten', name: 'flatten' },
  hidden: [
    { name: 'fc6', units: 4096, dropoutBefore: 'dropout6' },
    { name: 'fc7', units: 4096, dropoutBefore: 'dropout7' },
  ],
  output: 'fc8',
};

/** Builds an AlexNet-family network (AlexNet, ZFNet) from its layout. */
export function alexnetFamily(
  layout: AlexNetLayout,
  options: AlexNetOptions = {},
): tfl.LayersModel {
  checkOptions(options);
  const o = resolveBase(layout.name, options, {
    inputShape: [224, 224, 3],
    minSize: layout.minSize,
  });
  const rate = resolveRate('dropout', options.dropout, 0.5);
  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x = call(tfl.layers.zeroPadding2d({ name: 'pad1', padding: layout.padding }), input);
  layout.filters.forEach((filters, i) => {
    const name = `conv${i + 1}`;
    const strides = layout.strides[i] ?? 1;
    const padding = layout.pools[i];
    const conv = tfl.layers.conv2d({
      name,
      filters,
      kernelSize: layout.kernels[i] ?? 3,
      strides,
      padding: strides === 1 ? 'same' : 'valid',
      activation: inlineActivation(o),
      kernelInitializer: o.kernelInitializer,
    });
    x = separateActivation(call(conv, x), o, name);
    if (padding) {
      const pool = tfl.layers.maxPooling2d({
        name: `pool${i + 1}`,
        poolSize: 3,
        strides: 2,
        padding,
      });
      x = call(pool, x);
    }
  });
  return withHead(input, x, o, { ...ALEXNET_HEAD, rate }, layout.name);
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
  return alexnetFamily(ALEXNET, options);
}

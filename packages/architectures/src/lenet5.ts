import * as tfl from '@tensorflow/tfjs-layers';
import { assertOneOf } from '@trainkit/core';
import { classifierHead } from './classifier-head';
import {
  type BaseOptions,
  call,
  checkOptions,
  inlineActivation,
  poolFeatures,
  resolveBase,
  separateActivation,
} from './common';

/** Options of {@link lenet5}. */
export interface LeNet5Options extends BaseOptions {
  /**
   * `'classic'` (default): tanh and average pooling, as in LeCun et al. 1998;
   * `'modern'`: ReLU and max pooling. `activation` overrides the variant's activation.
   */
  variant?: 'classic' | 'modern';
  /**
   * Padding of C1. Default `'same'` for 28x28 inputs (MNIST padded to the paper's 32x32 field),
   * `'valid'` otherwise (the paper's 32x32 input).
   */
  c1Padding?: 'valid' | 'same';
}

/**
 * LeNet-5 (LeCun, Bottou, Bengio & Haffner 1998, Fig. 2): C1 conv 5x5x6, S2 pool, C3 conv 5x5x16
 * (full connection table, as in most courses), S4 pool, C5 conv 5x5x120, F6 dense 84, output dense.
 * On 32x32x1 with 10 classes: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706 parameters.
 * Differences from the paper: subsampling has no trainable coefficient, C3 connects to all S2
 * maps, the output is a dense layer (softmax) instead of Euclidean RBF units.
 * Layer names: `c1 s2 c3 s4 c5 flatten f6 output`.
 *
 * @example
 * const model = lenet5({ inputShape: [28, 28, 1], numClasses: 10 });
 * model.countParams(); // 61706
 */
export function lenet5(options: LeNet5Options = {}): tfl.LayersModel {
  checkOptions(options);
  const variant = assertOneOf('variant', options.variant ?? 'classic', ['classic', 'modern']);
  const h = options.inputShape?.[0];
  const c1Padding = assertOneOf('c1Padding', options.c1Padding ?? (h === 28 ? 'same' : 'valid'), [
    'valid',
    'same',
  ] as const);
  const o = resolveBase('lenet5', options, {
    inputShape: [32, 32, 1],
    numClasses: 10,
    activation: variant === 'classic' ? 'tanh' : 'relu',
    minSize: c1Padding === 'same' ? 28 : 32,
  });
  const convLayer = (name: string, filters: number, padding: 'valid' | 'same') =>
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize: 5,
      padding,
      activation: inlineActivation(o),
      kernelInitializer: o.kernelInitializer,
    });
  const conv = (x: tfl.SymbolicTensor, name: string, filters: number, padding: 'valid' | 'same') =>
    separateActivation(call(convLayer(name, filters, padding), x), o, name);
  const pool = (name: string) =>
    variant === 'classic'
      ? tfl.layers.averagePooling2d({ name, poolSize: 2, strides: 2 })
      : tfl.layers.maxPooling2d({ name, poolSize: 2, strides: 2 });

  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x = conv(input, 'c1', 6, c1Padding);
  x = call(pool('s2'), x);
  x = conv(x, 'c3', 16, 'valid');
  x = call(pool('s4'), x);
  if (!o.includeTop) {
    return tfl.model({ inputs: input, outputs: poolFeatures(x, o.pooling), name: 'lenet5' });
  }
  x = conv(x, 'c5', 120, 'valid');
  x = classifierHead(x, o, {
    reduce: { kind: 'flatten', name: 'flatten' },
    hidden: [{ name: 'f6', units: 84 }],
    output: 'output',
  });
  return tfl.model({ inputs: input, outputs: x, name: 'lenet5' });
}

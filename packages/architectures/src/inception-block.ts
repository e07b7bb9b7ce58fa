import * as tfl from '@tensorflow/tfjs-layers';
import { assertPositiveInt } from '@trainkit/core';
import {
  type ActivationName,
  activationLayer,
  call,
  type InitializerName,
  inlineActivation,
  resolveNegativeSlope,
  separateActivation,
} from './common';

/** Filters of an inception module (Szegedy et al. 2015, Table 1 columns). */
export interface InceptionBlockFilters {
  /** 1x1 branch. */
  ch1x1: number;
  /** 1x1 reduction before the 3x3 conv. */
  ch3x3red: number;
  /** 3x3 branch. */
  ch3x3: number;
  /** 1x1 reduction before the "5x5" conv. */
  ch5x5red: number;
  /** "5x5" branch (3x3 in torchvision, see `branch3Kernel`). */
  ch5x5: number;
  /** 1x1 projection after the 3x3 max pool. */
  poolProj: number;
}

/** How each conv of an inception module is made. */
export interface InceptionBlockOptions {
  /** Layer-name prefix, e.g. `'inception3a'`. */
  name: string;
  /**
   * `true`: torchvision's BasicConv2d (conv without bias, batch norm eps 1e-3, activation);
   * `false` (the paper): conv with bias, activation. Default true.
   */
  batchNorm?: boolean;
  /** Kernel of the third branch: 5 in the paper, 3 in torchvision (a known bug kept there). Default 5. */
  branch3Kernel?: 3 | 5;
  /** Default `'relu'`. */
  activation?: ActivationName;
  /** Slope of `'leakyRelu'` for negative inputs. Default 0.01. */
  negativeSlope?: number;
  /** Default `'glorotUniform'`. */
  kernelInitializer?: InitializerName;
}

/** One conv unit: conv (+BN) + activation, named like torchvision's BasicConv2d. */
export function convUnit(
  x: tfl.SymbolicTensor,
  name: string,
  filters: number,
  kernelSize: number,
  o: {
    batchNorm: boolean;
    activation: ActivationName;
    negativeSlope?: number;
    kernelInitializer: InitializerName;
  },
  strides = 1,
): tfl.SymbolicTensor {
  let y = call(
    tfl.layers.conv2d({
      name: `${name}.conv`,
      filters,
      kernelSize,
      strides,
      padding: strides === 1 ? 'same' : 'valid',
      useBias: !o.batchNorm,
      activation: o.batchNorm ? 'linear' : inlineActivation(o),
      kernelInitializer: o.kernelInitializer,
    }),
    x,
  );
  if (!o.batchNorm) y = separateActivation(y, o, `${name}.conv`);
  if (o.batchNorm) {
    y = call(
      tfl.layers.batchNormalization({ name: `${name}.bn`, epsilon: 1e-3, momentum: 0.9 }),
      y,
    );
    y = call(activationLayer(o, `${name}.relu`), y);
  }
  return y;
}

/**
 * The inception module with 1x1 reductions (Szegedy et al. 2015, Fig. 2b): four parallel
 * branches — 1x1; 1x1 -> 3x3; 1x1 -> 5x5; 3x3 max pool -> 1x1 — concatenated on channels.
 * Output channels: `ch1x1 + ch3x3 + ch5x5 + poolProj`. Works on symbolic tensors, so it composes
 * into any functional tfjs-layers model.
 *
 * @example
 * const x = tfl.input({ shape: [28, 28, 192] });
 * const y = inceptionBlock(x, { ch1x1: 64, ch3x3red: 96, ch3x3: 128, ch5x5red: 16, ch5x5: 32,
 *   poolProj: 32 }, { name: 'inception3a' }); // [null, 28, 28, 256]
 */
export function inceptionBlock(
  x: tfl.SymbolicTensor,
  filters: InceptionBlockFilters,
  options: InceptionBlockOptions,
): tfl.SymbolicTensor {
  for (const key of ['ch1x1', 'ch3x3red', 'ch3x3', 'ch5x5red', 'ch5x5', 'poolProj'] as const) {
    assertPositiveInt(`filters.${key}`, filters?.[key]);
  }
  const activation = options.activation ?? 'relu';
  const o = {
    batchNorm: options.batchNorm ?? true,
    activation,
    negativeSlope: resolveNegativeSlope(activation, options.negativeSlope),
    kernelInitializer: options.kernelInitializer ?? 'glorotUniform',
  };
  const n = options.name;
  const b1 = convUnit(x, `${n}.branch1`, filters.ch1x1, 1, o);
  let b2 = convUnit(x, `${n}.branch2.0`, filters.ch3x3red, 1, o);
  b2 = convUnit(b2, `${n}.branch2.1`, filters.ch3x3, 3, o);
  let b3 = convUnit(x, `${n}.branch3.0`, filters.ch5x5red, 1, o);
  b3 = convUnit(b3, `${n}.branch3.1`, filters.ch5x5, options.branch3Kernel ?? 5, o);
  let b4 = call(
    tfl.layers.maxPooling2d({ name: `${n}.branch4.0`, poolSize: 3, strides: 1, padding: 'same' }),
    x,
  );
  b4 = convUnit(b4, `${n}.branch4.1`, filters.poolProj, 1, o);
  return tfl.layers
    .concatenate({ name: `${n}.concat`, axis: -1 })
    .apply([b1, b2, b3, b4]) as tfl.SymbolicTensor;
}

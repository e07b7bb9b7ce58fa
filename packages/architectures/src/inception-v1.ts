import * as tfl from '@tensorflow/tfjs-layers';
import { assertOneOf } from '@trainkit/core';
import { AVGPOOL_FC_HEAD, withHead } from './classifier-head';
import { type BaseOptions, call, checkOptions, resolveBase, resolveRate } from './common';
import { convUnit, type InceptionBlockFilters, inceptionBlock } from './inception-block';

/** Options of {@link inceptionV1}. */
export interface InceptionV1Options extends BaseOptions {
  /**
   * `'torchvision'` (default): BN-conv units (no conv bias), 3x3 third branch, dropout 0.2 —
   * 6,624,904 parameters at 1000 classes, equal to torchvision `googlenet(aux_logits=False)`.
   * `'paper'`: conv with bias and no BN, 5x5 third branch, dropout 0.4 (Szegedy et al. 2015).
   */
  variant?: 'torchvision' | 'paper';
  /** Dropout before the classifier. Default 0.2 (torchvision) or 0.4 (paper). */
  dropout?: number;
}

// Szegedy et al. 2015, Table 1: [#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj].
const BLOCKS: Record<string, number[]> = {
  inception3a: [64, 96, 128, 16, 32, 32],
  inception3b: [128, 128, 192, 32, 96, 64],
  inception4a: [192, 96, 208, 16, 48, 64],
  inception4b: [160, 112, 224, 24, 64, 64],
  inception4c: [128, 128, 256, 24, 64, 64],
  inception4d: [112, 144, 288, 32, 64, 64],
  inception4e: [256, 160, 320, 32, 128, 128],
  inception5a: [256, 160, 320, 32, 128, 128],
  inception5b: [384, 192, 384, 48, 128, 128],
};
const POOL_AFTER: Record<string, string> = { inception3b: 'maxpool3', inception4e: 'maxpool4' };

function filtersOf(row: number[]): InceptionBlockFilters {
  const [ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj] = row as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return { ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj };
}

/**
 * GoogLeNet / Inception v1 (Szegedy et al. 2015, Table 1) without the auxiliary classifiers:
 * stem (7x7/2 conv, 3x3/2 pool, 1x1 conv, 3x3 conv, 3x3/2 pool), nine inception modules with
 * max pools after 3b and 4e, global average pooling, dropout, dense classes.
 * Differences: no local response normalization (the paper's; torchvision dropped it too);
 * pools use tfjs `'same'` padding where torchvision uses `ceil_mode` — equal sizes at 224x224
 * (and any size whose stages are even), possibly one pixel more elsewhere.
 * Layer names follow torchvision (`conv1.conv`, `inception3a.branch2.1.bn`, ..., `fc`).
 *
 * @example
 * const model = inceptionV1({ inputShape: [224, 224, 3] }); // 6,624,904 parameters
 */
export function inceptionV1(options: InceptionV1Options = {}): tfl.LayersModel {
  checkOptions(options);
  const variant = assertOneOf('variant', options.variant ?? 'torchvision', [
    'torchvision',
    'paper',
  ] as const);
  const o = resolveBase('inceptionV1', options, { inputShape: [224, 224, 3], minSize: 1 });
  const rate = resolveRate('dropout', options.dropout, variant === 'paper' ? 0.4 : 0.2);
  const unit = {
    batchNorm: variant === 'torchvision',
    activation: o.activation,
    ...(o.activation === 'leakyRelu' ? { negativeSlope: o.negativeSlope } : {}),
    kernelInitializer: o.kernelInitializer,
  };
  const maxpool = (name: string, poolSize = 3) =>
    tfl.layers.maxPooling2d({ name, poolSize, strides: 2, padding: 'same' });

  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x = call(tfl.layers.zeroPadding2d({ name: 'conv1.pad', padding: 3 }), input);
  x = convUnit(x, 'conv1', 64, 7, unit, 2);
  x = call(maxpool('maxpool1'), x);
  x = convUnit(x, 'conv2', 64, 1, unit);
  x = convUnit(x, 'conv3', 192, 3, unit);
  x = call(maxpool('maxpool2'), x);
  for (const [name, row] of Object.entries(BLOCKS)) {
    x = inceptionBlock(x, filtersOf(row), {
      name,
      ...unit,
      branch3Kernel: variant === 'paper' ? 5 : 3,
    });
    const pool = POOL_AFTER[name];
    if (pool) x = call(maxpool(pool, pool === 'maxpool4' ? 2 : 3), x);
  }
  return withHead(
    input,
    x,
    o,
    { ...AVGPOOL_FC_HEAD, rate, dropoutBeforeOutput: 'dropout' },
    'googlenet',
  );
}

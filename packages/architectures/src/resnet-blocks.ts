import * as tfl from '@tensorflow/tfjs-layers';
import { type ActivationName, activationLayer, call, type InitializerName } from './common';
import { PadChannels } from './pad-channels';

/** How the convs of a residual block are made. */
export interface BlockOptions {
  activation: ActivationName;
  /** Slope of `'leakyRelu'` for negative inputs. Default 0.01. */
  negativeSlope?: number;
  kernelInitializer: InitializerName;
  /** How the shortcut changes shape: `'projection'` (1x1 conv + BN, option B) or `'pad'` (option A). */
  shortcut: 'projection' | 'pad';
}

/** The block options of a resolved builder's settings, with the `shortcut` of its family. */
export function blockOptionsOf(
  o: Pick<BlockOptions, 'activation' | 'negativeSlope' | 'kernelInitializer'>,
  shortcut: BlockOptions['shortcut'] = 'projection',
): BlockOptions {
  return {
    activation: o.activation,
    ...(o.negativeSlope === undefined ? {} : { negativeSlope: o.negativeSlope }),
    kernelInitializer: o.kernelInitializer,
    shortcut,
  };
}

// torchvision BatchNorm2d defaults: eps 1e-5, momentum 0.1 (tfjs momentum 0.9).
function bn(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
  return call(tfl.layers.batchNormalization({ name, epsilon: 1e-5, momentum: 0.9 }), x);
}

/** A bias-free conv; stride-2 convs pad explicitly (PyTorch's symmetric padding), not 'same'. */
export function conv(
  x: tfl.SymbolicTensor,
  name: string,
  filters: number,
  kernelSize: number,
  strides: number,
  kernelInitializer: InitializerName,
): tfl.SymbolicTensor {
  const pad = (kernelSize - 1) / 2;
  let y = x;
  if (strides > 1 && pad > 0) {
    y = call(tfl.layers.zeroPadding2d({ name: `${name}.pad`, padding: pad }), y);
  }
  return call(
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize,
      strides,
      padding: strides > 1 ? 'valid' : 'same',
      useBias: false,
      kernelInitializer,
    }),
    y,
  );
}

function shortcut(
  x: tfl.SymbolicTensor,
  name: string,
  filters: number,
  strides: number,
  o: BlockOptions,
): tfl.SymbolicTensor {
  const cin = x.shape[3] as number;
  if (strides === 1 && cin === filters) return x;
  if (o.shortcut === 'projection') {
    const y = conv(x, `${name}.downsample.0`, filters, 1, strides, o.kernelInitializer);
    return bn(y, `${name}.downsample.1`);
  }
  // Option A: subsample by taking every other pixel (a 1x1 pool), pad the new channels with zeros.
  let y = x;
  if (strides > 1) {
    y = call(
      tfl.layers.maxPooling2d({ name: `${name}.shortcut.subsample`, poolSize: 1, strides }),
      y,
    );
  }
  const extra = filters - cin;
  const before = Math.floor(extra / 2);
  return call(new PadChannels({ name: `${name}.shortcut.pad`, before, after: extra - before }), y);
}

function merge(
  residual: tfl.SymbolicTensor,
  identity: tfl.SymbolicTensor,
  name: string,
  o: BlockOptions,
) {
  const y = tfl.layers
    .add({ name: `${name}.add` })
    .apply([residual, identity]) as tfl.SymbolicTensor;
  return call(activationLayer(o, `${name}.relu`), y);
}

/**
 * Basic residual block (He et al. 2016, Fig. 5 left): 3x3 conv-BN-act, 3x3 conv-BN, + shortcut, act.
 * Names follow torchvision (`layer1.0.conv1`, `layer1.0.bn1`, ..., `layer2.0.downsample.0`).
 */
export function basicBlock(
  x: tfl.SymbolicTensor,
  name: string,
  filters: number,
  strides: number,
  o: BlockOptions,
): tfl.SymbolicTensor {
  let y = conv(x, `${name}.conv1`, filters, 3, strides, o.kernelInitializer);
  y = bn(y, `${name}.bn1`);
  y = call(activationLayer(o, `${name}.relu1`), y);
  y = conv(y, `${name}.conv2`, filters, 3, 1, o.kernelInitializer);
  y = bn(y, `${name}.bn2`);
  return merge(y, shortcut(x, name, filters, strides, o), name, o);
}

/**
 * Bottleneck block (He et al. 2016, Fig. 5 right), stride on the 3x3 conv as in torchvision
 * ("ResNet v1.5"): 1x1 (width) - 3x3 (width) - 1x1 (4 x width), + shortcut.
 */
export function bottleneckBlock(
  x: tfl.SymbolicTensor,
  name: string,
  width: number,
  strides: number,
  o: BlockOptions,
): tfl.SymbolicTensor {
  let y = conv(x, `${name}.conv1`, width, 1, 1, o.kernelInitializer);
  y = bn(y, `${name}.bn1`);
  y = call(activationLayer(o, `${name}.relu1`), y);
  y = conv(y, `${name}.conv2`, width, 3, strides, o.kernelInitializer);
  y = bn(y, `${name}.bn2`);
  y = call(activationLayer(o, `${name}.relu2`), y);
  y = conv(y, `${name}.conv3`, width * 4, 1, 1, o.kernelInitializer);
  y = bn(y, `${name}.bn3`);
  return merge(y, shortcut(x, name, width * 4, strides, o), name, o);
}

/** The stem's BN + activation. */
export function bnAct(
  x: tfl.SymbolicTensor,
  o: { activation: ActivationName; negativeSlope?: number },
  bnName = 'bn1',
  actName = 'relu',
): tfl.SymbolicTensor {
  return call(activationLayer(o, actName), bn(x, bnName));
}

import * as tfl from '@tensorflow/tfjs-layers';
import {
  assertNumber,
  assertOneOf,
  assertPositiveInt,
  ConfigError,
  ShapeError,
} from '@trainkit/core';

/** What to put after the feature extractor when `includeTop` is false. */
export type Pooling = 'none' | 'avg' | 'max';
export const POOLINGS: readonly Pooling[] = ['none', 'avg', 'max'];

/** Activation names accepted by the builders (tfjs-layers identifiers). */
export type ActivationName =
  | 'relu'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'tanh'
  | 'sigmoid'
  | 'softplus'
  | 'swish'
  | 'mish'
  | 'gelu'
  | 'linear'
  | 'leakyRelu';
export const ACTIVATIONS: readonly ActivationName[] = [
  'relu',
  'relu6',
  'elu',
  'selu',
  'tanh',
  'sigmoid',
  'softplus',
  'swish',
  'mish',
  'gelu',
  'linear',
  'leakyRelu',
];

/** Kernel initializer names accepted by the builders (tfjs-layers identifiers, JSON-friendly). */
export type InitializerName =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heNormal'
  | 'heUniform'
  | 'leCunNormal'
  | 'leCunUniform'
  | 'truncatedNormal'
  | 'randomNormal'
  | 'zeros';
export const INITIALIZERS: readonly InitializerName[] = [
  'glorotUniform',
  'glorotNormal',
  'heNormal',
  'heUniform',
  'leCunNormal',
  'leCunUniform',
  'truncatedNormal',
  'randomNormal',
  'zeros',
];

/** Options shared by every builder. Defaults are given per builder. */
export interface BaseOptions {
  /** `[height, width, channels]` of one example (channels last). */
  inputShape?: [number, number, number];
  /** Units of the last dense layer (logits/probabilities). */
  numClasses?: number;
  /** Keep the classifier head. When false the model ends at the feature volume (see `pooling`). */
  includeTop?: boolean;
  /** With `includeTop: false`: `'none'` (the feature volume), `'avg'` or `'max'` global pooling. */
  pooling?: Pooling;
  /**
   * Hidden-layer activation. `'leakyRelu'` is max(x, negativeSlope * x) (Maas et al. 2013), built
   * as a separate `LeakyReLU` layer after each conv/dense (named `<layer>_act`); `'elu'` is
   * Clevert et al. 2016 with alpha 1. Neither adds parameters.
   */
  activation?: ActivationName;
  /**
   * Slope of `'leakyRelu'` for negative inputs, in [0, 1). Default 0.01 (PyTorch's and CS231n's;
   * tfjs' own `leakyReLU` layer defaults to 0.3). Only valid with `activation: 'leakyRelu'`.
   */
  negativeSlope?: number;
  /** Initializer of every conv/dense kernel (`'zeros'` builds big nets fast for counting). */
  kernelInitializer?: InitializerName;
  /** Final activation of the head: `'softmax'` (probabilities) or `'linear'` (logits). Default `'softmax'`. */
  outputActivation?: 'softmax' | 'linear';
}

/** Options after validation, every field set. */
export interface Resolved {
  inputShape: [number, number, number];
  numClasses: number;
  includeTop: boolean;
  pooling: Pooling;
  activation: ActivationName;
  /** Slope of `'leakyRelu'` for negative inputs (0.01 unless set). */
  negativeSlope: number;
  kernelInitializer: InitializerName;
  outputActivation: 'softmax' | 'linear';
}

/** Checks that a builder's options argument is an object (before reading any field). */
export function checkOptions<T>(options: T): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError('options must be an object', {
      argument: 'options',
      received: options,
    });
  }
  return options;
}

/** Validates the shared options once, at the boundary. `minSize` is the smallest height/width. */
export function resolveBase(
  family: string,
  options: BaseOptions,
  defaults: Partial<Resolved> & { inputShape: [number, number, number]; minSize: number },
): Resolved {
  checkOptions(options);
  const inputShape = options.inputShape ?? defaults.inputShape;
  if (!Array.isArray(inputShape) || inputShape.length !== 3) {
    throw new ShapeError('inputShape must be [height, width, channels]', {
      argument: 'inputShape',
      expected: 'an array of 3 positive integers',
      received: inputShape,
    });
  }
  inputShape.forEach((d, i) => {
    assertPositiveInt(`inputShape[${i}]`, d);
  });
  const [h, w] = inputShape;
  if (h < defaults.minSize || w < defaults.minSize) {
    throw new ShapeError(`input too small for ${family}`, {
      argument: 'inputShape',
      expected: `height and width >= ${defaults.minSize} (smaller ones vanish in the downsampling)`,
      received: inputShape,
    });
  }
  const includeTop = options.includeTop ?? true;
  if (typeof includeTop !== 'boolean') {
    throw new ConfigError('must be a boolean', {
      argument: 'includeTop',
      expected: 'true or false',
      received: includeTop,
    });
  }
  const activation = assertOneOf(
    'activation',
    options.activation ?? defaults.activation ?? 'relu',
    ACTIVATIONS,
  );
  return {
    inputShape: [...inputShape] as [number, number, number],
    numClasses: assertPositiveInt('numClasses', options.numClasses ?? defaults.numClasses ?? 1000),
    includeTop,
    pooling: assertOneOf('pooling', options.pooling ?? 'none', POOLINGS),
    activation,
    negativeSlope: resolveNegativeSlope(activation, options.negativeSlope),
    kernelInitializer: assertOneOf(
      'kernelInitializer',
      options.kernelInitializer ?? defaults.kernelInitializer ?? 'glorotUniform',
      INITIALIZERS,
    ),
    outputActivation: assertOneOf('outputActivation', options.outputActivation ?? 'softmax', [
      'softmax',
      'linear',
    ] as const),
  };
}

/** A dropout rate in [0, 1). */
export function resolveRate(name: string, value: number | undefined, fallback: number): number {
  return assertNumber(name, value ?? fallback, { min: 0, max: 1, exclusiveMax: true });
}

/** A boolean option with a default. */
export function resolveFlag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  const v = value ?? fallback;
  if (typeof v !== 'boolean') {
    throw new ConfigError('must be a boolean', {
      argument: name,
      expected: 'true or false',
      received: v,
    });
  }
  return v;
}

/** Applies a layer to one symbolic tensor. */
export function call(layer: tfl.layers.Layer, x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return layer.apply(x) as tfl.SymbolicTensor;
}

/** The end of a headless model: the feature volume, or global average/max pooling of it. */
export function poolFeatures(x: tfl.SymbolicTensor, pooling: Pooling): tfl.SymbolicTensor {
  if (pooling === 'avg') return call(tfl.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
  if (pooling === 'max') return call(tfl.layers.globalMaxPooling2d({ name: 'max_pool' }), x);
  return x;
}

/** The hidden activation of a layer or block: its name and, for leaky ReLU, the slope. */
export interface ActivationChoice {
  activation: ActivationName;
  /** Slope of `'leakyRelu'` for negative inputs. Default 0.01. */
  negativeSlope?: number;
}

/** Validates `negativeSlope`: in [0, 1), and only with `activation: 'leakyRelu'`. */
export function resolveNegativeSlope(
  activation: ActivationName,
  value: number | undefined,
): number {
  if (value !== undefined && activation !== 'leakyRelu') {
    throw new ConfigError('negativeSlope applies to the leaky ReLU only', {
      argument: 'negativeSlope',
      expected: "no negativeSlope, or activation: 'leakyRelu'",
      received: { activation, negativeSlope: value },
    });
  }
  return assertNumber('negativeSlope', value ?? 0.01, { min: 0, max: 1, exclusiveMax: true });
}

/**
 * The activation to build into a conv/dense layer: the tfjs identifier itself, or `'linear'` when
 * the activation is a layer of its own (leaky ReLU, which tfjs has no identifier for).
 */
export function inlineActivation(o: ActivationChoice): 'relu' {
  return (o.activation === 'leakyRelu' ? 'linear' : o.activation) as 'relu';
}

/** After a layer built with {@link inlineActivation}: the separate leaky ReLU (`<name>_act`), or `x`. */
export function separateActivation(
  x: tfl.SymbolicTensor,
  o: ActivationChoice,
  layerName: string,
): tfl.SymbolicTensor {
  if (o.activation !== 'leakyRelu') return x;
  return call(activationLayer(o, `${layerName}_act`), x);
}

/** A stand-alone activation layer named `name` (`Activation`, or `LeakyReLU` for leaky ReLU). */
export function activationLayer(o: ActivationChoice, name: string): tfl.layers.Layer {
  if (o.activation === 'leakyRelu') {
    return tfl.layers.leakyReLU({ name, alpha: o.negativeSlope ?? 0.01 });
  }
  return tfl.layers.activation({ name, activation: o.activation });
}

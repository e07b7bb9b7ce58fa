import type * as tfl from '@tensorflow/tfjs-layers';
import { assertOneOf, ConfigError, registerKind, type Serialized } from '@trainkit/core';
import { type AlexNetOptions, alexnet } from './alexnet';
import { type CifarResNetOptions, cifarResnet } from './cifar-resnet';
import { type InceptionV1Options, inceptionV1 } from './inception-v1';
import { type LeNet5Options, lenet5 } from './lenet5';
import { type ResNetOptions, resnet } from './resnet';
import { type SmallResNetOptions, smallResnet } from './small-resnet';
import { type VggOptions, vgg } from './vgg';
import { type ZfNetOptions, zfnet } from './zfnet';

/** Options of each builder, by builder name. */
export interface ArchitectureOptions {
  lenet5: LeNet5Options;
  alexnet: AlexNetOptions;
  zfnet: ZfNetOptions;
  vgg: VggOptions;
  inceptionV1: InceptionV1Options;
  resnet: ResNetOptions;
  cifarResnet: CifarResNetOptions;
  smallResnet: SmallResNetOptions;
}
/** The builders an {@link ArchitectureSpec} can name. */
export type ArchitectureName = keyof ArchitectureOptions;

const BUILDERS: { [N in ArchitectureName]: (o: ArchitectureOptions[N]) => tfl.LayersModel } = {
  lenet5,
  alexnet,
  zfnet,
  vgg,
  inceptionV1,
  resnet,
  cifarResnet,
  smallResnet,
};
const NAMES = Object.keys(BUILDERS) as ArchitectureName[];
const KIND = 'architectures.spec';

/** A builder name with its options: serializable, and builds a fresh model on demand. */
export interface ArchitectureSpec<N extends ArchitectureName = ArchitectureName> {
  readonly name: N;
  readonly options: Readonly<ArchitectureOptions[N]>;
  /** A new model with fresh weights (the caller disposes it). */
  build(): tfl.LayersModel;
  toJSON(): Serialized;
}

/**
 * Names an architecture and its options as data, so a model's recipe can be saved with a run
 * and rebuilt: `fromJSON(spec.toJSON()).build()` (after {@link registerArchitectureKinds}).
 * Options must be plain JSON (all builder options are). They are validated when building.
 *
 * @example
 * const spec = architecture('resnet', { depth: 18, numClasses: 10, inputShape: [64, 64, 3] });
 * const model = spec.build();
 */
export function architecture<N extends ArchitectureName>(
  name: N,
  options: ArchitectureOptions[N] = {} as ArchitectureOptions[N],
): ArchitectureSpec<N> {
  assertOneOf('name', name, NAMES);
  let copy: ArchitectureOptions[N];
  try {
    copy = JSON.parse(JSON.stringify(options ?? {})) as ArchitectureOptions[N];
  } catch (cause) {
    throw new ConfigError('options must be plain JSON', { argument: 'options', cause });
  }
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) {
    throw new ConfigError('options must be an object', { argument: 'options', received: options });
  }
  const frozen = Object.freeze(copy);
  return {
    name,
    options: frozen,
    build: () => BUILDERS[name](structuredClone(frozen) as ArchitectureOptions[N]),
    toJSON: () => ({ kind: KIND, version: 1, name, options: structuredClone(frozen) }),
  };
}

/** Registers `architectures.spec` with the core serialization registry. Idempotent. */
export function registerArchitectureKinds(): void {
  registerKind(
    KIND,
    (json) => architecture(json.name as ArchitectureName, json.options as LeNet5Options),
    { version: 1 },
  );
}

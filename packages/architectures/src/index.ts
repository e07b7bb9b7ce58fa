// @trainkit/architectures: LeNet-5, AlexNet, ZFNet, VGG, Inception, ResNet builders with exact parameter counts.
export { type AlexNetOptions, alexnet } from './alexnet';
export {
  type ArchitectureName,
  type ArchitectureOptions,
  type ArchitectureSpec,
  architecture,
  registerArchitectureKinds,
} from './architecture';
export { type CifarResNetDepth, type CifarResNetOptions, cifarResnet } from './cifar-resnet';
export type {
  ActivationChoice,
  ActivationName,
  BaseOptions,
  InitializerName,
  Pooling,
} from './common';
export {
  type InceptionBlockFilters,
  type InceptionBlockOptions,
  inceptionBlock,
} from './inception-block';
export { type InceptionV1Options, inceptionV1 } from './inception-v1';
export { type LeNet5Options, lenet5 } from './lenet5';
export { Maxout, type MaxoutArgs } from './maxout';
export { PadChannels, type PadChannelsArgs } from './pad-channels';
export { registerArchitectureLayers } from './register-layers';
export { type ResNetDepth, type ResNetOptions, resnet } from './resnet';
export { type BlockOptions, basicBlock, bottleneckBlock } from './resnet-blocks';
export { type SmallResNetOptions, smallResnet } from './small-resnet';
export {
  FLOPS_CONVENTION,
  formatSummary,
  type LayerSummary,
  type ModelSummary,
  summary,
} from './summary';
export { toFullyConvolutional } from './to-fully-convolutional';
export { type VggDepth, type VggOptions, vgg } from './vgg';
export { type ZfNetOptions, zfnet } from './zfnet';

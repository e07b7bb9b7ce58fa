// @trainkit/init: weight initializers (Xavier, He, LeCun, orthogonal, LSUV...) and a per-layer activation statistics probe.
export {
  type ActivationStatsOptions,
  activationStats,
  type LayerActivationStats,
} from './activation-stats';
export { constant, zeros } from './constant';
export { computeFans, type Fans } from './fans';
export type { Initializer, RandomOptions } from './initializer';
export { type LsuvLayerReport, type LsuvOptions, lsuv } from './lsuv';
export { type OrthogonalOptions, orthogonal } from './orthogonal';
export {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  type NormalPresetOptions,
} from './presets';
export { initializerFromJSON, registerInitKinds } from './registry';
export { type SmallRandomOptions, smallRandom } from './small-random';
export {
  registerLayersInitializers,
  TrainkitInitializer,
  toLayersInitializer,
} from './to-layers-initializer';
export {
  type Distribution,
  type FanMode,
  TRUNCATED_NORMAL_STD,
  type VarianceScalingOptions,
  varianceScaling,
} from './variance-scaling';

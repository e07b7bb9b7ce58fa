// @trainkit/batchnorm: batch normalization layer, freezing, statistics re-estimation, folding.
export {
  BatchNormalization,
  type BatchNormalizationArgs,
  batchNormalization,
  registerBatchNormalization,
  type VarianceCorrection,
} from './batch-normalization';
export { fold } from './fold';
export { batchNormLayers } from './layers-of';
export { recomputeStatistics } from './recompute-statistics';

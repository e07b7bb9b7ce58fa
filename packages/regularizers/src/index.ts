// @trainkit/regularizers: L1/L2/elastic-net penalties, max-norm constraints, dropout, data augmentation, early stopping.
export { appliesToJSON, checkAppliesTo, KERNELS } from './applies-to';
export { NORM_EPSILON, type WeightConstraint } from './constraint';
export {
  checkRate,
  type DropoutOptions,
  dropout,
  maskSeed,
  spatialDropout,
} from './dropout';
export {
  type EarlyStopping,
  type EarlyStoppingMode,
  type EarlyStoppingOptions,
  earlyStopping,
} from './early-stopping';
export { type ElasticNetOptions, elasticNet } from './elastic-net';
export { type L1Options, l1 } from './l1';
export { L2_CONVENTIONS, type L2Convention, type L2Options, l2, l2Factor } from './l2';
export { type MaxNormOptions, maxNorm } from './max-norm';
export { type MinMaxNormOptions, minMaxNorm } from './min-max-norm';
export { type NonNegOptions, nonNeg } from './non-neg';
export type { WeightPenalty } from './penalty';
export { registerRegularizerKinds, regularizerFromJSON } from './registry';
export { type UnitNormOptions, unitNorm } from './unit-norm';

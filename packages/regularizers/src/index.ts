// @trainkit/regularizers: L1/L2/elastic-net penalties, max-norm constraints, dropout, data augmentation, early stopping.
export { FILL_MODES, type FillMode, INTERPOLATIONS, type Interpolation } from './affine';
export { appliesToJSON, checkAppliesTo, KERNELS } from './applies-to';
export { augment } from './augment';
export { type Augmentation, checkImages } from './augmentation';
export { NORM_EPSILON, type WeightConstraint } from './constraint';
export { type CutoutOptions, cutout } from './cutout';
export {
  checkRate,
  type DropAmount,
  type DropoutOptions,
  dropout,
  dropProbabilities,
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
export { decodeSpec, encodeSpec } from './layers-spec';
export { type MaxNormOptions, maxNorm } from './max-norm';
export { type MinMaxNormOptions, minMaxNorm } from './min-max-norm';
export { type Mixup, type MixupOptions, mixup, sampleBeta } from './mixup';
export { type NonNegOptions, nonNeg } from './non-neg';
export type { WeightPenalty } from './penalty';
export type { ResampleOptions } from './random-affine-options';
export { type RandomBrightnessOptions, randomBrightness } from './random-brightness';
export { type RandomContrastOptions, randomContrast } from './random-contrast';
export { type RandomCropOptions, randomCrop } from './random-crop';
export { type RandomFlipOptions, randomFlip } from './random-flip';
export { type RandomRotationOptions, randomRotation } from './random-rotation';
export { type RandomScaleOptions, randomScale } from './random-scale';
export { type RandomTranslateOptions, randomTranslate } from './random-translate';
export { registerRegularizerKinds, regularizerFromJSON } from './registry';
export type { RngOption } from './rng-option';
export {
  registerSeededDropout,
  SeededDropout,
  type SeededDropoutArgs,
} from './seeded-dropout-layer';
export {
  registerLayersConstraints,
  TrainkitConstraint,
  toLayersConstraint,
} from './to-layers-constraint';
export {
  registerLayersRegularizers,
  TrainkitRegularizer,
  toLayersRegularizer,
} from './to-layers-regularizer';
export { type UnitNormOptions, unitNorm } from './unit-norm';

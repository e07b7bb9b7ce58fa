// @trainkit/preprocess: zero-centering, standardization, PCA and PCA/ZCA whitening, fitted once and streamed over batches.

/** The randomized PCA solver's range finder (`PCAOptions.rangeFinder`), from `@trainkit/linalg`. */
export type { RangeFinder } from '@trainkit/linalg';
export { FeatureScaler, type ScalerOptions, type ScalerState } from './feature-scaler';
export { flattenImages, perImageStandardize, unflattenImages } from './image';
export type { StatAxis } from './layout';
export { MinMax, type MinMaxOptions } from './min-max';
export { PCA, type PCAOptions, type PCASketch, type PCASolver } from './pca';
export { type PerImageWhitenOptions, perImageWhiten } from './per-image-whiten';
export { PREPROCESS_KINDS, preprocessFromJSON, registerPreprocessKinds } from './registry';
export { Standardize, type StandardizeOptions } from './standardize';
export { Whiten, type WhitenMethod, type WhitenOptions } from './whiten';
export { ZeroCenter } from './zero-center';

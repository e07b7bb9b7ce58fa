// The PNG encoder is @trainkit/plot's (re-exported for existing imports); RGB images say
// `channels: 3`, as a `Canvas` made with `{ channels: 3 }` does.
export { encodePng, type PngImage, type PngImage as RgbImage } from '@trainkit/plot';
export { type CmaEsOptions, cmaEsSampler } from './cma-es-sampler';
export {
  type CrossValidateOptions,
  type CrossValidationResult,
  crossValidate,
  crossValidatedObjective,
} from './cross-validate';
export {
  type CategoricalDistribution,
  type Choice,
  categorical,
  contains,
  type Distribution,
  type FloatDistribution,
  float,
  fromInternal,
  type IntDistribution,
  int,
  type ParamValue,
  toInternal,
} from './distributions';
export { type GeneticOptions, geneticSampler } from './genetic-sampler';
export { type GpOptions, gpSampler } from './gp-sampler';
export { gridSampler } from './grid-sampler';
export { paramImportances } from './importance';
export { type NarrowSpaceOptions, narrowSpace } from './narrow-space';
export {
  optimizationHistorySvg,
  parallelCoordinatesSvg,
  sliceSvgs,
  studyReportHtml,
} from './plots';
export {
  importancePng,
  optimizationHistoryPng,
  PNG_COLOURS,
  PNG_MARGIN,
  type PngPlotOptions,
  parallelCoordinatesPng,
  slicePngs,
} from './plots-png';
export {
  type AshaOptions,
  ashaPruner,
  hyperbandPruner,
  medianPruner,
  nopPruner,
  type Pruner,
} from './pruners';
export { pruningListener } from './pruning-listener';
export { randomSampler, sampleUniform } from './random-sampler';
export { HPO_KINDS, prunerFromJSON, registerHpoKinds, samplerFromJSON } from './registry';
export { type SampleContext, type Sampler, score } from './sampler';
export { type SearchSpace, suggestSpace } from './search-space';
export { spaceGrid } from './space-grid';
export {
  applyOp,
  InMemoryStorage,
  type Op,
  replay,
  type Storage,
  type StudyState,
} from './storage';
export {
  createStudy,
  type Direction,
  type Objective,
  type OptimizeOptions,
  Study,
  type StudyOptions,
  Trial,
  TrialPruned,
} from './study';
export { branin, hartmann6 } from './test-functions';
export { type TpeOptions, tpeSampler } from './tpe-sampler';
export { type FrozenTrial, lastStep, type TrialState } from './trial';

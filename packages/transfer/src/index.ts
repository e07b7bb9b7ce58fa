// @trainkit/transfer: Load, cut, freeze and re-head pretrained networks; CNN codes; fine-tuning; the four-case advisor.
export { cutAt } from './cut-at';
export { type ExtractFeaturesOptions, extractFeatures } from './extract-features';
export { type FineTuneOptions, fineTune, type UnfreezeStage } from './fine-tune';
export { freezeLayers, type LayerSelection, unfreezeLayers } from './freeze-layers';
export {
  type LinearClassifier,
  type LinearClassifierOptions,
  trainLinearClassifier,
} from './linear-classifier';
export { type LayerInfo, listLayers } from './list-layers';
export { loadModel, saveModel, stripInnerInputShapes } from './load-model';
export {
  type LayerProbe,
  type MeasureSimilarityOptions,
  measureSimilarity,
  type SimilarityResult,
} from './measure-similarity';
export {
  findPretrained,
  type PretrainedFile,
  type PretrainedInfo,
  pretrainedModels,
  registerPretrained,
} from './pretrained-registry';
export {
  earlierLayer,
  type RecommendStrategyOptions,
  recommendStrategy,
  type TransferCase,
  type TransferPlan,
  type TransferStrategy,
} from './recommend-strategy';
export { type ReinitializeOptions, reinitialize } from './reinitialize';
export { type ReplaceHeadOptions, replaceHead } from './replace-head';

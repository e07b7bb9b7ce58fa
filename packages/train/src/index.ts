// @trainkit/train: the training loop: losses, metrics, validation, events lending gradients and updates, checkpoints.
export {
  type ExponentialMovingAverageOptions,
  exponentialMovingAverage,
} from './averaging/exponential-moving-average';
export type { ModelWithWeights } from './averaging/model-weights';
export {
  type StochasticWeightAveragingOptions,
  stochasticWeightAveraging,
} from './averaging/stochastic-weight-averaging';
export type { WeightAverage } from './averaging/weight-average';
export { weightAverageFromJSON } from './averaging/weight-average-from-json';
export {
  type WeightSnapshots,
  type WeightSnapshotsOptions,
  weightSnapshots,
} from './averaging/weight-snapshots';
export type { Batch, TrainData } from './batches';
export { type Checkpoint, restoreWeights, type SavedTensor } from './checkpoint';
export {
  Ensemble,
  type EnsembleEvaluateOptions,
  type EnsembleMember,
  type EnsembleOptions,
  type EnsemblePredictOptions,
  type FunctionModel,
  predictionEnsemble,
  snapshotEnsemble,
} from './ensemble';
export {
  type ClassificationReportOptions,
  type EvaluateOptions,
  type EvaluateWithReportOptions,
  type EvaluationWithReport,
  evaluateFunction,
} from './evaluate';
export {
  type FindLearningRateOptions,
  findLearningRate,
  type LearningRateFinderResult,
} from './find-learning-rate';
export { evaluate, fit, type TrainableModel } from './fit';
export { type FitOptions, type FitResult, fitFunction } from './fit-function';
export {
  type FunctionGradientCheckOptions,
  type GradientCheckEntry,
  type GradientCheckOptions,
  type GradientCheckReport,
  type GradientVerdict,
  gradientCheck,
  type ModelGradientCheckOptions,
  type WeightGradientCheck,
} from './gradient-check';
export { toLayersCallback } from './layers-callback';
export { type BinaryCrossEntropyOptions, binaryCrossEntropy } from './losses/binary-cross-entropy';
export type { Loss } from './losses/loss';
export { meanSquaredError } from './losses/mean-squared-error';
export { type MulticlassHingeOptions, multiclassHinge } from './losses/multiclass-hinge';
export {
  type SoftmaxCrossEntropyOptions,
  softmaxCrossEntropy,
} from './losses/softmax-cross-entropy';
export { type AccuracyOptions, accuracy } from './metrics/accuracy';
export {
  type Average,
  type ClassificationReport,
  type ClassScores,
  classificationReport,
  type PrecisionRecallF1,
} from './metrics/classification-report';
export { type ConfusionMatrixOptions, confusionMatrix } from './metrics/confusion-matrix';
export type { Metric } from './metrics/metric';
export {
  type ClassificationMetricOptions,
  f1Score,
  precision,
  recall,
} from './metrics/precision-recall-f1';
export { type TopKAccuracyOptions, topKAccuracy } from './metrics/top-k-accuracy';
export { type ProgressBarOptions, type ProgressStream, progressBar } from './progress-bar';
export { lossFromJSON, metricFromJSON, registerTrainKinds, TRAIN_KINDS } from './registry';
export { checkStepMemory, stepHeapBytes, WASM_HEAP_MAX_BYTES } from './step-memory';
export type { Forward } from './train-step';

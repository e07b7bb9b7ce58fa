// @trainkit/train: the training loop: losses, metrics, validation, events lending gradients and updates, checkpoints.
export type { Batch, TrainData } from './batches';
export { type Checkpoint, restoreWeights, type SavedTensor } from './checkpoint';
export {
  type ReadCheckpoint,
  readCheckpoint,
  restoreCheckpoint,
  type SaveCheckpointOptions,
  saveCheckpoint,
} from './checkpoint-node';
export { type EvaluateOptions, evaluateFunction } from './evaluate';
export { evaluate, fit, type TrainableModel } from './fit';
export { type FitOptions, type FitResult, fitFunction } from './fit-function';
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
export type { Metric } from './metrics/metric';
export { type TopKAccuracyOptions, topKAccuracy } from './metrics/top-k-accuracy';
export { type ProgressBarOptions, type ProgressStream, progressBar } from './progress-bar';
export type { Forward } from './train-step';

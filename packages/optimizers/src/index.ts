// @trainkit/optimizers: composable gradient transformations (optax-style) and learning-rate schedules.
export { type AdagradOptions, adagrad } from './adagrad';
export { type AdamOptions, adam } from './adam';
export { type AdamwOptions, adamw } from './adamw';
export { type AddDecayedWeightsOptions, addDecayedWeights } from './add-decayed-weights';
export { type ApplyIfFiniteOptions, applyIfFinite } from './apply-if-finite';
export { applyUpdates } from './apply-updates';
export { chain } from './chain';
export { type ClipByGlobalNormOptions, clipByGlobalNorm } from './clip-by-global-norm';
export { type ClipByValueOptions, clipByValue } from './clip-by-value';
export { type EmaOptions, ema } from './ema';
export type { LossClosure } from './flat-objective';
export { freeze } from './freeze';
export { type HessianOptions, hessian } from './hessian';
export { type Lbfgs, type LbfgsOptions, type LbfgsStepResult, lbfgs } from './lbfgs';
export { type MomentumOptions, momentum, nesterov } from './momentum';
export { type MultiStepsOptions, multiSteps } from './multi-steps';
export { multiplyLearningRates } from './multiply-learning-rates';
export { type Newton, type NewtonOptions, type NewtonResult, newton } from './newton';
export {
  createOptimizerState,
  OptimizerState,
  type OptimizerStateOptions,
  type StepOptions,
} from './optimizer-state';
export { projectConstraints } from './project-constraints';
export { optimizerFromJSON, registerOptimizerKinds, scheduleFromJSON } from './registry';
export { type RmspropOptions, rmsprop } from './rmsprop';
export { type ScaleByAdamOptions, scaleByAdam } from './scale-by-adam';
export { type ScaleByLearningRateOptions, scaleByLearningRate } from './scale-by-learning-rate';
export { type ScaleByRmsOptions, scaleByRms } from './scale-by-rms';
export { type ScaleByRssOptions, scaleByRss } from './scale-by-rss';
export { scaleBySchedule } from './scale-by-schedule';
export { constant } from './schedules/constant';
export { type CosineDecayOptions, cosineDecay } from './schedules/cosine-decay';
export { type ExponentialDecayOptions, exponentialDecay } from './schedules/exponential-decay';
export { type InverseTimeDecayOptions, inverseTimeDecay } from './schedules/inverse-time-decay';
export { type LinearWarmupOptions, linearWarmup } from './schedules/linear-warmup';
export { type OneCycleOptions, oneCycle } from './schedules/one-cycle';
export { type PiecewiseConstantOptions, piecewiseConstant } from './schedules/piecewise-constant';
export { type PolynomialDecayOptions, polynomialDecay } from './schedules/polynomial-decay';
export {
  type ReduceOnPlateau,
  type ReduceOnPlateauOptions,
  reduceOnPlateau,
} from './schedules/reduce-on-plateau';
export { type StepDecayOptions, stepDecay } from './schedules/step-decay';
export { type SwaScheduleOptions, swaSchedule } from './schedules/swa-schedule';
export { type SgdOptions, sgd } from './sgd';
export { type HessianFn, softmaxRegressionHessian } from './softmax-regression-hessian';
export { LayersOptimizer, registerLayersOptimizer, toLayersOptimizer } from './to-layers-optimizer';
export { type TraceMomentumOptions, traceMomentum } from './trace-momentum';
export {
  type FlushResult,
  flushOf,
  type Hyperparams,
  hyperparamsOf,
  type Transformation,
} from './transformation';

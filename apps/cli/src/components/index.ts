// @trainkit/cli/components: the names the CLI's flags and the demo's page choose components by,
// mapped to the packages' `{ kind, ... }` specs (browser-safe: no Node built-ins).
export { ARCHITECTURES, architectureSpec } from './architectures';
export {
  AUGMENTATIONS,
  type AugmentationName,
  augmentationSpec,
  augmentPipelineSpec,
} from './augmentations';
export { acceptedNames, type Choices, resolveChoice } from './choices';
export { fromSpec, registerComponentKinds } from './from-spec';
export { INITIALIZERS, type InitializerName, initializerSpec } from './initializers';
export {
  OPTIMIZERS,
  type OptimizerName,
  type OptimizerSpecOptions,
  optimizerSpec,
  WITH_MOMENTUM,
  WITH_WEIGHT_DECAY,
} from './optimizers';
export { type RegularizationOptions, regularizationSpecs } from './regularizers';
export { SCHEDULES, type ScheduleContext, type ScheduleName, scheduleSpec } from './schedules';

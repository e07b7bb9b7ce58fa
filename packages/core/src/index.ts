export {
  type BackendChoice,
  type BackendInfo,
  type BackendLoader,
  type BackendName,
  type Environment,
  environment,
  getAutoOrder,
  registerBackendLoader,
  setAutoOrder,
  type UseBackendOptions,
  useBackend,
} from './backend';
export {
  type CholeskyOptions,
  choleskyFactor,
  solveLower,
  solveLowerTransposed,
} from './cholesky';
export {
  ConfigError,
  DTypeError,
  describeValue,
  type ErrorCode,
  type ErrorDetails,
  IOError,
  isTrainkitError,
  NaNError,
  ShapeError,
  StateError,
  TrainkitError,
  ValueRangeError,
} from './errors';
export {
  type LayerVariableLike,
  type ModelLike,
  matchesName,
  modelParams,
  namePattern,
  selectParams,
} from './params';
export { Rng, type RngState, toRng } from './rng';
export {
  fromJSON,
  isRegistered,
  type JSONValue,
  registeredKinds,
  registerKind,
  type Serializable,
  type Serialized,
  toJSON,
} from './serialization';
export { type TensorLike, type ToTensorOptions, toTensor } from './to-tensor';
export {
  type BatchEvent,
  type Constraint,
  type EpochBeginEvent,
  type EpochEndEvent,
  type GradientTransformation,
  type HyperParam,
  type Logs,
  type Params,
  type Penalty,
  resolveHyper,
  type Schedule,
  type Stoppable,
  type TensorMap,
  type TrainBeginEvent,
  type TrainEndEvent,
  type TrainingListener,
  type Transform,
  type TransformState,
  type UpdateContext,
} from './types';
export {
  assertDType,
  assertFiniteValues,
  assertNumber,
  assertOneOf,
  assertPositiveInt,
  assertRank,
  assertShape,
  type NumberBounds,
} from './validate';

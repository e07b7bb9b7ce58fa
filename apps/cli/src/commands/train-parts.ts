// Turns the resolved `train` options into trainkit components: model, optimizer, penalties,
// constraints, augmentation. Every inconsistency is a UsageError naming the flag.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { architecture } from '@trainkit/architectures';
import type { Constraint, GradientTransformation, HyperParam, Penalty } from '@trainkit/core';
import { Rng, ShapeError } from '@trainkit/core';
import {
  type Dataset,
  fitPixelNormalization,
  type PixelNormalization,
  pixelNormalization,
  splitDataset,
} from '@trainkit/data';
import {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  type Initializer,
  lecunNormal,
  lecunUniform,
  orthogonal,
} from '@trainkit/init';
import {
  adagrad,
  adam,
  adamw,
  chain,
  clipByGlobalNorm,
  constant,
  cosineDecay,
  exponentialDecay,
  inverseTimeDecay,
  linearWarmup,
  momentum,
  nesterov,
  oneCycle,
  rmsprop,
  sgd,
  stepDecay,
} from '@trainkit/optimizers';
import {
  type Augmentation,
  augment,
  cutout,
  l1,
  l2,
  maxNorm,
  randomCrop,
  randomFlip,
  randomRotation,
  randomTranslate,
} from '@trainkit/regularizers';
import type { LoadedData } from '../datasets';
import { UsageError } from '../usage-error';
import { AUGMENTATIONS } from './specs';

/** The options `train` resolves (camelCase flag names). */
export interface TrainOptions {
  dataset: string;
  dataDir?: string;
  csvShape?: number[];
  limit?: number;
  testLimit?: number;
  backend: 'auto' | 'wasm' | 'cpu' | 'webgpu';
  seed: number;
  arch: string;
  archOptions: Record<string, unknown>;
  normalize: 'unit' | 'symmetric' | 'standardize';
  init: string;
  batchNorm?: boolean;
  dropout?: number;
  l1?: number;
  l2?: number;
  maxNorm?: number;
  augment?: string;
  earlyStopping?: number;
  optimizer: string;
  lr: number;
  momentum?: number;
  weightDecay?: number;
  schedule: string;
  warmup?: number;
  clip?: number;
  epochs: number;
  batchSize: number;
  validation: number;
}

const WITH_BATCH_NORM_OPTION = ['vgg'];
const ALWAYS_BATCH_NORM = ['resnet', 'cifarResnet', 'smallResnet', 'inceptionV1'];
const WITH_DROPOUT = ['alexnet', 'vgg', 'inceptionV1'];

/** Builder options: the user's, plus what the data decides, plus batch-norm / dropout flags. */
export function architectureOptions(
  o: TrainOptions,
  exampleShape: readonly number[],
  numClasses: number,
): Record<string, unknown> {
  const opts: Record<string, unknown> = { ...o.archOptions };
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new UsageError('--arch-options must be a JSON object');
  }
  if (exampleShape.length !== 3) {
    throw new ShapeError(`the dataset's examples do not fit ${o.arch}`, {
      argument: '--dataset',
      expected: `images [height, width, channels] for ${o.arch} (pass --csv-shape for CSV data)`,
      receivedText: `examples of shape [${exampleShape.join(', ')}]`,
    });
  }
  const given = opts.inputShape as number[] | undefined;
  if (
    given !== undefined &&
    !(Array.isArray(given) && given.every((d) => Number.isInteger(d) && d > 0))
  ) {
    throw new UsageError(
      `invalid value for --arch-options inputShape: ${JSON.stringify(given)} (expected an array of positive integers such as [28, 28, 1])`,
    );
  }
  if (given !== undefined && JSON.stringify(given) !== JSON.stringify(exampleShape)) {
    throw new ShapeError(`the dataset's examples do not fit the architecture's input`, {
      argument: '--dataset',
      expected: `examples of shape [${given.join(', ')}] (--arch-options inputShape)`,
      receivedText: `[${exampleShape.join(', ')}]`,
    });
  }
  opts.inputShape = [...exampleShape];
  opts.numClasses = numClasses;
  opts.outputActivation = 'linear';
  if (o.arch === 'lenet5' && opts.variant === undefined) opts.variant = 'modern';
  if (o.batchNorm) {
    if (WITH_BATCH_NORM_OPTION.includes(o.arch)) opts.batchNorm = true;
    else if (!ALWAYS_BATCH_NORM.includes(o.arch)) {
      throw new UsageError(
        `--batch-norm: ${o.arch} has no batch-norm variant (vgg has one; ${ALWAYS_BATCH_NORM.join(', ')} always use batch norm)`,
      );
    }
  }
  if (o.dropout !== undefined) {
    if (!WITH_DROPOUT.includes(o.arch)) {
      throw new UsageError(
        `--dropout: ${o.arch} has no dropout layer (${WITH_DROPOUT.join(', ')} have)`,
      );
    }
    opts.dropout = o.dropout;
  }
  return opts;
}

/** Builds the model; the builders' ShapeErrors (input too small) pass through as they are. */
export function buildModel(name: string, options: Record<string, unknown>): tfl.LayersModel {
  return architecture(name as 'lenet5', options).build();
}

const INIT: Record<string, (o: { rng: Rng }) => Initializer> = {
  glorotUniform,
  glorotNormal,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  orthogonal,
};

const HE_BUILDERS = ['resnet', 'cifarResnet', 'smallResnet'];

/**
 * The seeded initializer `--init` names; `default` is the @trainkit/init twin of the builder's
 * own tfjs initializer (so that the same seed gives the same run), `undefined` when it has none.
 */
export function initializerName(
  init: string,
  arch: string,
  archOptions: Record<string, unknown>,
): string | undefined {
  if (init !== 'default') return init;
  const tfjsName =
    (archOptions.kernelInitializer as string | undefined) ??
    (HE_BUILDERS.includes(arch) ? 'heNormal' : 'glorotUniform');
  const name = tfjsName.replace(/^leCun/, 'lecun');
  return name in INIT ? name : undefined;
}

/** Re-initializes every kernel with a seeded @trainkit/init initializer (biases stay zero). */
export function initialize(model: tfl.LayersModel, init: string | undefined, seed: number): number {
  const make = init === undefined ? undefined : INIT[init];
  if (make === undefined) return 0;
  const rng = new Rng(seed);
  let n = 0;
  for (const w of model.trainableWeights) {
    if (!/kernel$/.test(w.originalName ?? w.name)) continue;
    const value = make({ rng })(w.shape as number[]);
    (w.read() as tf.Variable).assign(value);
    value.dispose();
    n += 1;
  }
  return n;
}

function schedule(o: TrainOptions, totalSteps: number, stepsPerEpoch: number): HyperParam {
  const lr = o.lr;
  const total = Math.max(1, totalSteps - (o.warmup ?? 0));
  let s: HyperParam;
  switch (o.schedule) {
    case 'cosine':
      s = cosineDecay({ initialValue: lr, decaySteps: total });
      break;
    case 'step':
      s = stepDecay({ initialValue: lr, stepSize: Math.max(1, Math.floor(total / 3)), gamma: 0.1 });
      break;
    case 'exponential':
      s = exponentialDecay({
        initialValue: lr,
        decayRate: 0.8,
        decaySteps: Math.max(1, stepsPerEpoch),
      });
      break;
    case 'inverse-time':
      // 1/t annealing, t counted in epochs (continuously): lr / (1 + step / stepsPerEpoch).
      s = inverseTimeDecay({
        initialValue: lr,
        decayRate: 1,
        decaySteps: Math.max(1, stepsPerEpoch),
      });
      break;
    case 'onecycle':
      s = oneCycle({ maxValue: lr, totalSteps: Math.max(2, totalSteps) });
      break;
    default:
      s = lr;
  }
  if (o.warmup && o.schedule !== 'onecycle') {
    const base = typeof s === 'number' ? constant({ value: s }) : s;
    s = linearWarmup(base, { warmupSteps: o.warmup });
  }
  return s;
}

/** The optimizer with its schedule, weight decay and clipping. */
export function buildOptimizer(
  o: TrainOptions,
  totalSteps: number,
  stepsPerEpoch: number,
): GradientTransformation {
  const learningRate = schedule(o, totalSteps, stepsPerEpoch);
  const m = o.momentum ?? 0.9;
  const wd = o.weightDecay;
  if (wd !== undefined && !['adamw', 'sgd', 'adam'].includes(o.optimizer)) {
    throw new UsageError(`--weight-decay works with adamw, adam and sgd, not ${o.optimizer}`);
  }
  let opt: GradientTransformation;
  switch (o.optimizer) {
    case 'sgd':
      opt = sgd({
        learningRate,
        ...(o.momentum === undefined ? {} : { momentum: m }),
        ...(wd ? { weightDecay: wd } : {}),
      });
      break;
    case 'momentum':
      opt = momentum({ learningRate, momentum: m });
      break;
    case 'nesterov':
      opt = nesterov({ learningRate, momentum: m });
      break;
    case 'adamw':
      opt = adamw({ learningRate, ...(wd === undefined ? {} : { weightDecay: wd }) });
      break;
    case 'rmsprop':
      opt = rmsprop({ learningRate, ...(o.momentum === undefined ? {} : { momentum: m }) });
      break;
    case 'adagrad':
      opt = adagrad({ learningRate });
      break;
    default:
      opt = adam({ learningRate, ...(wd ? { weightDecay: wd } : {}) });
  }
  return o.clip ? chain(clipByGlobalNorm({ maxNorm: o.clip }), opt) : opt;
}

export function penalties(o: TrainOptions): Penalty[] {
  const out: Penalty[] = [];
  if (o.l1) out.push(l1({ lambda: o.l1 }));
  if (o.l2) out.push(l2({ lambda: o.l2, convention: 'half' }));
  return out;
}

export function constraints(o: TrainOptions): Constraint[] {
  return o.maxNorm ? [maxNorm({ maxValue: o.maxNorm }) as unknown as Constraint] : [];
}

/** The augmentation pipeline of `--augment flip,crop,...`, seeded from `seed`. */
export function augmentation(list: string | undefined, seed: number): Augmentation | undefined {
  if (!list) return undefined;
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const steps = names.map((name, i) => {
    const rng = seed * 101 + i;
    switch (name) {
      case 'flip':
        return randomFlip({ rng });
      case 'crop':
        return randomCrop({ padding: 2, rng });
      case 'translate':
        return randomTranslate({ heightFactor: 0.1, rng });
      case 'rotate':
        return randomRotation({ maxDegrees: 10, rng });
      case 'cutout':
        return cutout({ size: 8, rng });
      default:
        throw new UsageError(
          `invalid value for --augment: "${name}" (expected a comma-separated list of ${AUGMENTATIONS.join(', ')})`,
        );
    }
  });
  return steps.length ? augment(steps) : undefined;
}

/** The first `n` examples after a seeded shuffle (all of them when `n` is undefined). */
export function subset(ds: Dataset, n: number | undefined, seed: number): Dataset {
  if (n === undefined || n >= ds.size) return ds;
  return ds.shuffle(seed).subset(Array.from({ length: n }, (_, i) => i));
}

/** `trainkit train`'s data, before the model sees it. */
export interface PreparedData {
  /** The `--limit` subset of the training data, before the split. */
  raw: Dataset;
  norm: PixelNormalization;
  train: Dataset;
  validation: Dataset | undefined;
}

/**
 * The `--limit` subset, the stratified `--validation` split, then the `--normalize`
 * normalisation, whose statistics come from the training part only (fitted on train +
 * validation, they would leak the validation images into the preprocessing).
 */
export function prepareTrainingData(
  data: LoadedData,
  o: Pick<TrainOptions, 'limit' | 'seed' | 'validation' | 'normalize'>,
): PreparedData {
  const raw = subset(data.train, o.limit, o.seed);
  const parts =
    o.validation > 0
      ? splitDataset(raw, { validation: o.validation, stratify: true, rng: o.seed })
      : { train: raw, validation: undefined };
  const norm =
    o.normalize === 'standardize'
      ? fitPixelNormalization(parts.train, { maxValue: data.maxValue })
      : pixelNormalization({ mode: o.normalize, maxValue: data.maxValue });
  return {
    raw,
    norm,
    train: parts.train.normalize(norm),
    validation: parts.validation?.normalize(norm),
  };
}

// Turns the resolved `train` options into trainkit components: model, optimizer, penalties,
// constraints, augmentation. Every inconsistency is a UsageError naming the flag.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ArchitectureSpec } from '@trainkit/architectures';
import type {
  Constraint,
  GradientTransformation,
  HyperParam,
  Penalty,
  Schedule,
  Serializable,
} from '@trainkit/core';
import { ShapeError, toJSON } from '@trainkit/core';
import {
  type Dataset,
  fitPixelNormalization,
  type PixelNormalization,
  pixelNormalization,
  splitDataset,
} from '@trainkit/data';
import type { Initializer } from '@trainkit/init';
import type { Augmentation } from '@trainkit/regularizers';
import {
  AUGMENTATIONS,
  architectureSpec,
  augmentPipelineSpec,
  fromSpec,
  INITIALIZERS,
  initializerSpec,
  OPTIMIZERS as OPTIMIZER_CHOICES,
  optimizerSpec,
  regularizationSpecs,
  resolveChoice,
  scheduleSpec,
  WITH_WEIGHT_DECAY,
} from '../components';
import type { LoadedData } from '../datasets';
import { UsageError } from '../usage-error';

/** The options `train` resolves (camelCase flag names). */
// A type (not an interface) so that it is a Record<string, unknown>, as parsed options are.
export type TrainOptions = {
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
  /** Batches whose mean gradient makes one update (runs saved before the flag: 1). */
  accumulateSteps?: number;
  validation: number;
};

const WITH_BATCH_NORM_OPTION = ['vgg'];
const ALWAYS_BATCH_NORM = ['resnet', 'cifarResnet', 'smallResnet', 'inceptionV1'];
const WITH_DROPOUT = ['alexnet', 'zfnet', 'vgg', 'inceptionV1'];

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
  return fromSpec<ArchitectureSpec>(architectureSpec(name, options)).build();
}

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
  if (init !== 'default') return resolveChoice('--init', init, INITIALIZERS);
  const tfjsName =
    (archOptions.kernelInitializer as string | undefined) ??
    (HE_BUILDERS.includes(arch) ? 'heNormal' : 'glorotUniform');
  try {
    return resolveChoice('kernelInitializer', tfjsName, INITIALIZERS);
  } catch {
    return undefined; // zeros, randomNormal...: no seeded twin, the builder's values stay
  }
}

/** Re-initializes every kernel with a seeded @trainkit/init initializer (biases stay zero). */
export function initialize(model: tfl.LayersModel, init: string | undefined, seed: number): number {
  if (init === undefined) return 0;
  // One initializer for all kernels: its generator runs on from one kernel to the next.
  const initializer = fromSpec<Initializer>(initializerSpec(init, seed));
  let n = 0;
  for (const w of model.trainableWeights) {
    if (!/kernel$/.test(w.originalName ?? w.name)) continue;
    const value = initializer(w.shape as number[]);
    (w.read() as tf.Variable).assign(value);
    value.dispose();
    n += 1;
  }
  return n;
}

/**
 * The optimizer with its schedule, weight decay and clipping, from their specs. `learningRate`,
 * when given, replaces `--lr` and `--schedule` (lr-find sweeps it); a schedule must serialize.
 */
export function buildOptimizer(
  o: TrainOptions,
  totalSteps: number,
  stepsPerEpoch: number,
  learningRate?: HyperParam,
): GradientTransformation {
  if (
    o.weightDecay !== undefined &&
    !(WITH_WEIGHT_DECAY as readonly string[]).includes(
      resolveChoice('--optimizer', o.optimizer, OPTIMIZER_CHOICES),
    )
  ) {
    throw new UsageError(`--weight-decay works with adamw, adam and sgd, not ${o.optimizer}`);
  }
  const lrSpec =
    learningRate === undefined
      ? scheduleSpec(o.schedule, {
          learningRate: o.lr,
          totalSteps,
          stepsPerEpoch,
          ...(o.warmup ? { warmupSteps: o.warmup } : {}),
        })
      : typeof learningRate === 'number'
        ? learningRate
        : toJSON(learningRate as Schedule & Serializable);
  const spec = optimizerSpec(o.optimizer, {
    learningRate: lrSpec,
    ...(o.momentum === undefined ? {} : { momentum: o.momentum }),
    ...(o.weightDecay === undefined ? {} : { weightDecay: o.weightDecay }),
    ...(o.clip ? { clipNorm: o.clip } : {}),
  });
  return fromSpec<GradientTransformation>(spec);
}

export function penalties(o: TrainOptions): Penalty[] {
  return regularizationSpecs(o).penalties.map((s) => fromSpec<Penalty>(s));
}

export function constraints(o: TrainOptions): Constraint[] {
  return regularizationSpecs(o).constraints.map((s) => fromSpec<Constraint>(s));
}

/** The augmentation pipeline of `--augment flip,crop,...`, seeded from `seed`. */
export function augmentation(list: string | undefined, seed: number): Augmentation | undefined {
  if (!list) return undefined;
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(AUGMENTATIONS.names as readonly string[]).includes(name)) {
      throw new UsageError(
        `invalid value for --augment: "${name}" (expected a comma-separated list of ${AUGMENTATIONS.names.join(', ')})`,
      );
    }
  }
  const spec = augmentPipelineSpec(names, seed);
  return spec && fromSpec<Augmentation>(spec);
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

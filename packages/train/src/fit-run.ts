// The state of one `fit` run and how it starts, restores and checkpoints (the loop's steps are
// in fit-function.ts).
import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertPositiveInt,
  ConfigError,
  type Logs,
  type Params,
  Rng,
  type RngState,
} from '@trainkit/core';
import { sgd } from '@trainkit/optimizers';
import { checkTensorData, checkTrainData, isTensorData, stepsFor, type TrainData } from './batches';
import { assertCheckpoint, type Checkpoint, loadTensors, saveTensors } from './checkpoint';
import { FitOptimizer } from './fit-optimizer';
import { checkOptions, type FitOptions } from './fit-options';
import { ListenerList } from './listener-list';
import { progressBar } from './progress-bar';
import type { ShardFactory } from './shards';
import type { Forward, StepContext } from './train-step';

/** Everything one run carries from batch to batch. */
export interface Run {
  options: FitOptions;
  train: TrainData;
  /** Examples of tensor data (undefined for iterables). */
  n: number | undefined;
  epochs: number;
  batchSize: number;
  checkpointEvery: number;
  shuffle: boolean;
  rng: Rng;
  resume: Checkpoint | undefined;
  /** Batches of the current epoch a mid-epoch checkpoint already trained; skipped once. */
  skip: number;
  ctx: StepContext;
  listeners: ListenerList;
  shards: ShardFactory | undefined;
  epoch: number;
  cutBatch?: number;
  history: Logs[];
  logs: Logs;
  /** The finiteness flag of the last step, read after the next one is queued. */
  pending?: { finite: tf.Tensor; step: number } | undefined;
  nanStep?: number;
}

/** Validates the options and builds the run (the optimizer state included). */
export function startRun(
  params: Params,
  forward: Forward,
  data: TrainData,
  options: FitOptions,
  shards: ShardFactory | undefined,
): Run {
  checkOptions(params, forward, options);
  const train = checkTrainData(data);
  const n = isTensorData(train) ? checkTensorData(train, 'data') : undefined;
  if (options.validationData !== undefined)
    checkTrainData(options.validationData, 'validationData');
  const epochs = assertNumber('epochs', options.epochs ?? 1, { min: 0, integer: true });
  const batchSize = assertPositiveInt('batchSize', options.batchSize ?? 32);
  const accumulateSteps = assertPositiveInt('accumulateSteps', options.accumulateSteps ?? 1);
  const checkpointEvery = assertPositiveInt('checkpointEvery', options.checkpointEvery ?? 1);
  const resume =
    options.resumeFrom === undefined ? undefined : assertCheckpoint(options.resumeFrom);
  let rng =
    options.rng instanceof Rng
      ? options.rng
      : new Rng(assertNumber('rng', options.rng ?? 0, { min: 0, integer: true }));
  if (resume) rng = Rng.fromState(resume.rng);
  const skip = resume?.batch ?? 0;
  if (n !== undefined && skip >= stepsFor(n, batchSize)) {
    throw new ConfigError('the checkpoint stopped after more batches than an epoch has', {
      argument: 'resumeFrom.batch',
      expected: `fewer than the ${stepsFor(n, batchSize)} batches of ${batchSize} per epoch`,
      received: skip,
    });
  }
  const names = Object.keys(params);
  const vars = names.map((k) => params[k] as tf.Variable);
  const metrics = options.metrics ?? [];
  const sums: Record<string, tf.Variable> = {};
  for (const k of ['loss', ...metrics.map((m) => m.name)])
    sums[k] = tf.tidy(() => tf.variable(tf.scalar(0), false));
  const optimizer = new FitOptimizer(options.optimizer ?? sgd({ learningRate: 0.01 }), params, {
    constraints: options.constraints ?? [],
    accumulateSteps,
  });
  return {
    options,
    train,
    n,
    epochs,
    batchSize,
    checkpointEvery,
    shuffle: options.shuffle ?? true,
    rng,
    resume,
    skip,
    ctx: {
      params,
      vars,
      keyOf: new Map(names.map((k, i) => [(vars[i] as tf.Variable).name, k])),
      forward,
      loss: options.loss,
      metrics,
      penalties: options.penalties ?? [],
      optimizer,
      sums,
    },
    listeners: new ListenerList([
      ...((options.progress ?? true) ? [progressBar()] : []),
      ...(options.listeners ?? []),
    ]),
    shards,
    epoch: resume?.epoch ?? 0,
    history: [],
    logs: {},
  };
}

/** Loads a checkpoint's weights and optimizer state (the count included). */
export function restore(run: Run, resume: Checkpoint): void {
  loadTensors(run.ctx.params, resume.weights, 'resumeFrom.weights');
  run.ctx.optimizer.load(resume);
}

/** The epoch means of the loss and metrics (one read of the device sums). */
export async function readSums(ctx: StepContext, seen: number): Promise<Logs> {
  const logs: Logs = {};
  const entries = Object.entries(ctx.sums);
  const values = await Promise.all(entries.map(([, v]) => v.data()));
  entries.forEach(([k], i) => {
    logs[k] = (values[i]?.[0] as number) / Math.max(seen, 1);
  });
  return logs;
}

/** A checkpoint of the run now (with `batch`: inside an epoch, `rng` from its start). */
export async function captureCheckpoint(
  run: Run,
  rng: RngState,
  batch?: number,
): Promise<Checkpoint> {
  const { ctx } = run;
  return {
    kind: 'train.checkpoint',
    version: 1,
    epoch: run.epoch,
    ...(batch === undefined ? {} : { batch }),
    step: ctx.optimizer.step,
    rng,
    weights: await saveTensors(ctx.params),
    ...(await ctx.optimizer.save()),
    optimizer: ctx.optimizer.optimizer.toJSON(),
  };
}

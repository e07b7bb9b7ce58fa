import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertPositiveInt,
  ConfigError,
  type Constraint,
  type GradientTransformation,
  type Logs,
  NaNError,
  type Params,
  type Penalty,
  Rng,
  type RngState,
  type TrainingListener,
} from '@trainkit/core';
import { sgd } from '@trainkit/optimizers';
import {
  type Batch,
  checkTensorData,
  checkTrainData,
  epochBatches,
  isTensorData,
  stepsFor,
  type TrainData,
} from './batches';
import { assertCheckpoint, type Checkpoint, loadTensors, saveTensors } from './checkpoint';
import { evaluateFunction } from './evaluate';
import { FitOptimizer } from './fit-optimizer';
import { ListenerList } from './listener-list';
import type { Loss } from './losses/loss';
import type { Metric } from './metrics/metric';
import { progressBar } from './progress-bar';
import type { ShardFactory } from './shards';
import { type Forward, type StepContext, trainStep } from './train-step';

export interface FitOptions {
  /** The loss minimised (penalties are added). */
  loss: Loss;
  /** Any gradient transformation (e.g. `chain(clipByGlobalNorm(1), adam())`). Default `sgd({ learningRate: 0.01 })`. */
  optimizer?: GradientTransformation;
  metrics?: Metric[];
  /** Epochs to train in total (a resumed run counts those already done). Default 1. */
  epochs?: number;
  /** Batch size for tensor data and validation. Default 32. */
  batchSize?: number;
  /** Shuffle tensor data each epoch with the seeded Rng. Default true. */
  shuffle?: boolean;
  /** Seed or Rng for shuffling. Default seed 0. */
  rng?: number | Rng;
  validationData?: TrainData;
  penalties?: Penalty[];
  /** Applied to each matching weight (`appliesTo`) after every update. */
  constraints?: Constraint[];
  /**
   * Sum gradients over this many batches and apply their mean once. Groups do not span epochs:
   * an epoch whose batch count is not a multiple ends with a smaller group, applied as the mean
   * of the batches it holds. Default 1.
   */
  accumulateSteps?: number;
  listeners?: TrainingListener[];
  /** A terminal progress bar, shown only when stdout is a TTY and `CI` is unset. Default true. */
  progress?: boolean;
  /**
   * Continue a run exactly from this checkpoint (weights, optimizer state, step, epoch, Rng). A
   * checkpoint taken inside an epoch (`batch` set) continues that epoch: the same batch order,
   * without the batches already trained; its `epochBegin` is emitted again and its epoch-end logs
   * (and history entry) cover only the batches trained after the resume.
   */
  resumeFrom?: Checkpoint;
  /**
   * Receives a checkpoint every `checkpointEvery` epochs (and after the last one), and when a
   * listener stops the run inside an epoch (then with `batch`: see {@link Checkpoint}).
   */
  onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** Default 1. */
  checkpointEvery?: number;
  /**
   * Engines training in parallel (`fit` with a tfjs-layers model, in Node): each step's batch is
   * split into this many contiguous shards, the main thread and `replicas - 1` worker threads
   * (each with its own tfjs engine and a copy of the model) compute their shards' gradients,
   * which are summed weighted by shard size into the batch-mean gradient; the optimizer updates
   * the main model once, and every replica reads its weights at the start of each step. Default:
   * the `TRAINKIT_REPLICAS` environment variable, else the machine's cores
   * (`os.availableParallelism()`) on Node's main thread and 1 inside a worker thread (hpo's
   * parallel trials); 1 trains on one engine. Where replicas cannot be used (a
   * browser, `fitFunction`, a model that cannot be serialised, a webgpu backend), the run says
   * so once (`console.warn`) and trains on one engine; {@link FitResult.replicas} says what ran.
   * Replicas asked for here are started before the first step and kept; by default they start
   * in the background (a fresh engine takes seconds) while the first steps run whole on this
   * engine, only when the run (tensor data) has at least 30 s left at its measured step time,
   * and are kept only if split steps measure faster than whole ones on this machine (else the
   * run says so once and continues on one engine).
   *
   * Losses, metrics and events are those of the whole batch. Batch normalization normalizes
   * each shard with its own statistics (as PyTorch DDP without SyncBatchNorm), so with BN the
   * gradient differs slightly from one engine's; the moving mean and variance are the
   * shard-size-weighted mean of the replicas' updates, identical everywhere. Dropout masks differ.
   */
  replicas?: number;
  /**
   * Modules each worker replica imports before building the model, calling the named export:
   * register custom layers here (e.g. `{ module: import.meta.resolve('@trainkit/architectures'), export: 'registerArchitectureLayers' }`).
   */
  replicaSetup?: { module: string | URL; export: string }[];
}

export interface FitResult {
  /** Logs of each epoch trained in this call. */
  history: Logs[];
  /** Epochs completed in total. */
  epoch: number;
  /**
   * When a listener stopped the run inside an epoch: the batches trained in that unfinished epoch
   * (number `epoch`). Such an epoch emits no `epochEnd`, adds no history entry and runs no
   * validation; the checkpoint resumes it exactly. A stop requested at an epoch's end (early
   * stopping) leaves this unset: the epoch counts as done.
   */
  batch?: number;
  /** Updates applied in total. */
  step: number;
  stopReason?: string;
  /** Engines that trained each step (1: this one alone; see {@link FitOptions.replicas}). */
  replicas: number;
}

/**
 * Trains `params` (Variables) of a model given as a function `forward(params, x) => y`.
 * The hot loop reads nothing back synchronously: epoch sums stay on the device and are read once
 * per epoch; the NaN flag of step `t` is read (asynchronously) after step `t + 1` is queued, and
 * the optimizer (`applyIfFinite` with `halt`) skips every update from the first non-finite step
 * on, on the device, so the weights stay the last good ones.
 *
 * @example
 * const w = tf.variable(tf.zeros([2, 3])); const params = { w };
 * await fitFunction(params, (p, x) => tf.matMul(x, p.w as tf.Tensor), { x, y }, {
 *   loss: softmaxCrossEntropy(), optimizer: sgd({ learningRate: 0.1 }), epochs: 5,
 * });
 */
export async function fitFunction(
  params: Params,
  forward: Forward,
  data: TrainData,
  options: FitOptions,
): Promise<FitResult> {
  if (options?.replicas !== undefined) {
    const r = assertPositiveInt('replicas', options.replicas);
    if (r > 1)
      sayOnce(
        'fitFunction trains on one engine (a function model cannot be sent to worker threads; fit(model) can)',
      );
  }
  return fitLoop(params, forward, data, options);
}

const said = new Set<string>();
/** Prints a note once per process (the same reason is not repeated every run). */
export function sayOnce(text: string): void {
  if (said.has(text)) return;
  said.add(text);
  console.warn(`trainkit: ${text}`);
}

/** The loop of {@link fitFunction} and `fit`; `shards` opens data-parallel replicas at the first batch. */
export async function fitLoop(
  params: Params,
  forward: Forward,
  data: TrainData,
  options: FitOptions,
  shards?: ShardFactory,
): Promise<FitResult> {
  const run = startRun(params, forward, data, options, shards);
  try {
    if (run.resume) restore(run, run.resume);
    await run.listeners.trainBegin({
      params,
      epochs: run.epochs,
      ...(run.n === undefined ? {} : { stepsPerEpoch: stepsFor(run.n, run.batchSize) }),
      initialStep: run.ctx.optimizer.step,
    });
    while (run.epoch < run.epochs && !run.listeners.stopped && run.nanStep === undefined) {
      if (!(await trainEpoch(run))) break;
    }
    return await endRun(run);
  } finally {
    await run.ctx.shards?.dispose();
    run.pending?.finite.dispose();
    run.ctx.optimizer.dispose();
    tf.dispose(Object.values(run.ctx.sums));
  }
}

/** Everything one run carries from batch to batch. */
interface Run {
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
  pending?: { finite: tf.Tensor; step: number };
  nanStep?: number;
}

/** Validates the options and builds the run (the optimizer state included). */
function startRun(
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
function restore(run: Run, resume: Checkpoint): void {
  loadTensors(run.ctx.params, resume.weights, 'resumeFrom.weights');
  run.ctx.optimizer.load(resume);
}

/** One epoch; false when the run ends inside it (a stop, a non-finite step). */
async function trainEpoch(run: Run): Promise<boolean> {
  const { ctx, listeners } = run;
  // The Rng before this epoch's shuffle: a checkpoint taken inside the epoch replays it.
  const rngAtStart = run.rng.getState();
  await listeners.epochBegin({ epoch: run.epoch, step: ctx.optimizer.step });
  tf.tidy(() => {
    for (const v of Object.values(ctx.sums)) v.assign(tf.zerosLike(v));
  });
  const first = run.skip;
  run.skip = 0;
  const { batch, seen, ended } = await trainBatches(run, first);
  if (run.nanStep !== undefined) return false;
  if (!ended) {
    run.cutBatch = batch;
    if (run.options.onCheckpoint)
      await run.options.onCheckpoint(await captureCheckpoint(run, rngAtStart, batch));
    return false;
  }
  if (batch === first) {
    throw new ConfigError(`the training data yielded no batches in epoch ${run.epoch}`, {
      argument: 'data',
      expected:
        'at least one batch per epoch (pass a function returning a fresh iterable, not a used-up iterator)',
      received: 'an empty or exhausted iterable',
    });
  }
  // A finished epoch ends its accumulation group: a short last group is applied as the mean of
  // what it holds, so no group spans two epochs.
  ctx.optimizer.flush();
  await endEpoch(run, seen);
  return true;
}

/** The batches of one epoch, from `first`; says where it stopped and whether the epoch ended. */
async function trainBatches(
  run: Run,
  first: number,
): Promise<{ batch: number; seen: number; ended: boolean }> {
  const { listeners } = run;
  let batch = first;
  let seen = 0;
  let ended = false;
  const batches = epochBatches(run.train, {
    batchSize: run.batchSize,
    shuffle: run.shuffle,
    rng: run.rng,
    skip: first,
  });
  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) {
        ended = true;
        break;
      }
      await openShards(run, next.value);
      seen += await trainOne(run, next.value, batch);
      batch += 1;
      if (listeners.stopped || run.nanStep !== undefined) break;
    }
    await checkPending(run);
    if (!ended && run.nanStep === undefined) {
      // Stopped by a listener: at the epoch's last batch the epoch is done, else it is cut.
      if (run.n !== undefined) ended = batch >= stepsFor(run.n, run.batchSize);
      else {
        const peek = await batches.next();
        if (peek.done) ended = true;
        else tf.dispose([peek.value.x, peek.value.y]);
      }
    }
  } finally {
    await batches.return(undefined);
  }
  return { batch, seen, ended };
}

/** Opens the data-parallel replicas at the run's first batch (once). */
async function openShards(run: Run, b: Batch): Promise<void> {
  const factory = run.shards;
  if (!factory) return;
  run.shards = undefined;
  const opened = await factory(b);
  if (opened) run.ctx.shards = opened;
}

/** One step and its batch event; returns the batch size. Disposes the batch. */
async function trainOne(run: Run, b: Batch, batch: number): Promise<number> {
  const { ctx, listeners } = run;
  const lend = listeners.wantsBatches;
  const step = ctx.optimizer.step;
  const t0 = performance.now();
  const out = trainStep(ctx, b, lend);
  const bs = b.x.shape[0] as number;
  tf.dispose([b.x, b.y]);
  const stepTimeMs = performance.now() - t0;
  await checkPending(run);
  run.pending = { finite: out.finite, step };
  if (lend) {
    const lr = ctx.optimizer.learningRate;
    await listeners.batchEnd({
      epoch: run.epoch,
      batch,
      step,
      batchSize: bs,
      loss: out.loss,
      params: ctx.params,
      metrics: out.metrics,
      stepTimeMs,
      ...(out.grads ? { grads: out.grads } : {}),
      ...(out.updates ? { updates: out.updates } : {}),
      ...(lr === undefined ? {} : { learningRate: lr }),
    });
  }
  tf.dispose([out.loss, ...Object.values(out.metrics)]);
  tf.dispose(Object.values(out.grads ?? {}));
  tf.dispose(Object.values(out.updates ?? {}));
  return bs;
}

/** Reads the finiteness flag of an earlier step, without stalling the queue of the current one. */
async function checkPending(run: Run): Promise<void> {
  const p = run.pending;
  if (!p) return;
  run.pending = undefined;
  const [v] = await p.finite.data();
  p.finite.dispose();
  if (!v && run.nanStep === undefined) run.nanStep = p.step;
}

/** Epoch logs (sums and validation), the epoch-end event and the periodic checkpoint. */
async function endEpoch(run: Run, seen: number): Promise<void> {
  const { ctx, options } = run;
  const logs = await readSums(ctx, seen);
  if (options.validationData !== undefined) {
    const val = await evaluateFunction(ctx.params, ctx.forward, options.validationData, {
      loss: options.loss,
      metrics: ctx.metrics,
      batchSize: run.batchSize,
    });
    for (const [k, v] of Object.entries(val)) logs[`val_${k}`] = v;
  }
  run.logs = logs;
  run.epoch += 1;
  run.history.push(logs);
  const step = ctx.optimizer.step;
  await run.listeners.epochEnd({ epoch: run.epoch - 1, step, logs });
  if (
    options.onCheckpoint &&
    (run.epoch % run.checkpointEvery === 0 || run.epoch === run.epochs || run.listeners.stopped)
  ) {
    await options.onCheckpoint(await captureCheckpoint(run, run.rng.getState()));
  }
}

/** The train-end event, and the result (or the NaNError of a non-finite step). */
async function endRun(run: Run): Promise<FitResult> {
  const { nanStep, epoch } = run;
  const step = run.ctx.optimizer.step;
  const stopReason =
    nanStep !== undefined ? `non-finite loss at step ${nanStep}` : run.listeners.stopReason;
  await run.listeners.trainEnd({
    epoch,
    step,
    logs: run.logs,
    ...(stopReason === undefined ? {} : { stopReason }),
  });
  if (nanStep !== undefined) {
    throw new NaNError(
      `loss became NaN or infinite at step ${nanStep} (epoch ${epoch}); the weights are those before that step`,
      {
        argument: 'loss',
        expected: 'a finite loss',
        receivedText: `non-finite at step ${nanStep}`,
      },
    );
  }
  return {
    history: run.history,
    epoch,
    step,
    ...(run.cutBatch === undefined ? {} : { batch: run.cutBatch }),
    ...(stopReason === undefined ? {} : { stopReason }),
    replicas: run.ctx.shards?.replicas ?? 1,
  };
}

async function readSums(ctx: StepContext, seen: number): Promise<Logs> {
  const logs: Logs = {};
  const entries = Object.entries(ctx.sums);
  const values = await Promise.all(entries.map(([, v]) => v.data()));
  entries.forEach(([k], i) => {
    logs[k] = (values[i]?.[0] as number) / Math.max(seen, 1);
  });
  return logs;
}

async function captureCheckpoint(run: Run, rng: RngState, batch?: number): Promise<Checkpoint> {
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

function checkOptions(params: Params, forward: Forward, options: FitOptions): void {
  if (
    !params ||
    typeof params !== 'object' ||
    Object.values(params).some((v) => !(v instanceof tf.Variable))
  ) {
    throw new ConfigError('params must be a record of tf.Variables', {
      argument: 'params',
      expected: 'Record<string, tf.Variable>',
      received: params,
    });
  }
  if (Object.keys(params).length === 0) {
    throw new ConfigError('no parameters to train', {
      argument: 'params',
      expected: 'at least one trainable Variable',
      received: params,
    });
  }
  if (typeof forward !== 'function') {
    throw new ConfigError('forward must be a function', {
      argument: 'forward',
      expected: '(params, x) => y',
      received: forward,
    });
  }
  if (!options || typeof options.loss !== 'function') {
    throw new ConfigError('a loss is required', {
      argument: 'options.loss',
      expected: 'a Loss such as softmaxCrossEntropy()',
      received: options?.loss,
    });
  }
  const opt = options.optimizer as Partial<GradientTransformation> | undefined;
  if (opt === undefined) return;
  if (!opt || typeof opt.init !== 'function' || typeof opt.update !== 'function') {
    throw new ConfigError('an optimizer is required', {
      argument: 'options.optimizer',
      expected: 'a GradientTransformation { init, update }',
      received: opt,
    });
  }
}

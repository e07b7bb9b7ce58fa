import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertPositiveInt,
  ConfigError,
  type Constraint,
  type GradientTransformation,
  type HyperParam,
  type Logs,
  NaNError,
  type Params,
  type Penalty,
  Rng,
  type RngState,
  resolveHyper,
  type TrainingListener,
} from '@trainkit/core';
import { scheduleFromJSON, sgd } from '@trainkit/optimizers';
import {
  checkTensorData,
  checkTrainData,
  epochBatches,
  isTensorData,
  stepsFor,
  type TrainData,
} from './batches';
import { assertCheckpoint, type Checkpoint, loadTensors, saveTensors } from './checkpoint';
import { evaluateFunction } from './evaluate';
import { ListenerList } from './listener-list';
import type { Loss } from './losses/loss';
import type { Metric } from './metrics/metric';
import { OptimizerState } from './optimizer-state';
import { progressBar } from './progress-bar';
import type { ShardFactory } from './shards';
import { type Forward, flushAccumulated, type StepContext, trainStep } from './train-step';

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

function learningRateOf(opt: GradientTransformation): HyperParam | undefined {
  // A `learningRate` property (a number or schedule), else a numeric one in the optimizer's JSON.
  const lr = (opt as unknown as { learningRate?: unknown }).learningRate;
  if (typeof lr === 'number' || typeof lr === 'function') return lr as HyperParam;
  // else the optimizer's JSON: a number, or a serialized schedule rebuilt once here.
  const json = (opt.toJSON?.() ?? {}) as { learningRate?: unknown };
  if (typeof json.learningRate === 'number') return json.learningRate;
  if (json.learningRate && typeof json.learningRate === 'object') {
    try {
      return scheduleFromJSON(json.learningRate);
    } catch {
      return undefined; // an unknown schedule kind: events simply carry no learningRate
    }
  }
  return undefined;
}

/**
 * Trains `params` (Variables) of a model given as a function `forward(params, x) => y`.
 * The hot loop reads nothing back synchronously: epoch sums stay on the device and are read once
 * per epoch; the NaN flag of step `t` is read (asynchronously) after step `t + 1` is queued, and
 * updates are gated on the device so the weights stay the last good ones (see `StepContext.healthy`).
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
  checkOptions(params, forward, options);
  const optimizer = options.optimizer ?? sgd({ learningRate: 0.01 });
  const train = checkTrainData(data);
  const n = isTensorData(train) ? checkTensorData(train, 'data') : undefined;
  if (options.validationData !== undefined)
    checkTrainData(options.validationData, 'validationData');
  const epochs = assertNumber('epochs', options.epochs ?? 1, { min: 0, integer: true });
  const batchSize = assertPositiveInt('batchSize', options.batchSize ?? 32);
  const accumulateSteps = assertPositiveInt('accumulateSteps', options.accumulateSteps ?? 1);
  const checkpointEvery = assertPositiveInt('checkpointEvery', options.checkpointEvery ?? 1);
  const shuffle = options.shuffle ?? true;
  const resume =
    options.resumeFrom === undefined ? undefined : assertCheckpoint(options.resumeFrom);
  let rng =
    options.rng instanceof Rng
      ? options.rng
      : new Rng(assertNumber('rng', options.rng ?? 0, { min: 0, integer: true }));
  if (resume) rng = Rng.fromState(resume.rng);
  // Batches of epoch `epoch` a mid-epoch checkpoint already trained; skipped once on resume.
  let skip = resume?.batch ?? 0;
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
  const ctx: StepContext = {
    params,
    names,
    vars,
    keyOf: new Map(names.map((k, i) => [(vars[i] as tf.Variable).name, k])),
    forward,
    loss: options.loss,
    metrics,
    penalties: options.penalties ?? [],
    constraints: options.constraints ?? [],
    optimizer,
    state: new OptimizerState(optimizer, params),
    healthy: tf.tidy(() => tf.variable(tf.scalar(1), false)),
    sums: {},
    accumulateSteps,
  };
  for (const k of ['loss', ...metrics.map((m) => m.name)])
    ctx.sums[k] = tf.tidy(() => tf.variable(tf.scalar(0), false));
  if (accumulateSteps > 1) {
    ctx.accumulated = {};
    for (const k of names)
      ctx.accumulated[k] = tf.tidy(() =>
        tf.variable(tf.zerosLike(params[k] as tf.Variable), false),
      );
  }

  const listeners = new ListenerList([
    ...((options.progress ?? true) ? [progressBar()] : []),
    ...(options.listeners ?? []),
  ]);
  const lrHyper = learningRateOf(optimizer);
  let step = resume?.step ?? 0;
  let epoch = resume?.epoch ?? 0;
  let cutBatch: number | undefined;
  const history: Logs[] = [];
  let logs: Logs = {};
  let pending: { ok: tf.Tensor; step: number } | undefined;
  let nanStep: number | undefined;

  // The NaN flag of an earlier step, read without stalling the queue of the current one.
  const checkPending = async () => {
    if (!pending) return;
    const p = pending;
    pending = undefined;
    const [v] = await p.ok.data();
    p.ok.dispose();
    if (!v && nanStep === undefined) nanStep = p.step;
  };

  try {
    if (resume) {
      loadTensors(params, resume.weights, 'resumeFrom.weights');
      loadTensors(ctx.state.vars, resume.optimizerState, 'resumeFrom.optimizerState');
      if (ctx.accumulated && resume.accumulated)
        loadTensors(ctx.accumulated, resume.accumulated, 'resumeFrom.accumulated');
    }
    await listeners.trainBegin({
      params,
      epochs,
      ...(n === undefined ? {} : { stepsPerEpoch: stepsFor(n, batchSize) }),
      initialStep: step,
    });
    const lend = listeners.wantsBatches;
    let shardsTried = shards === undefined;
    for (; epoch < epochs && !listeners.stopped && nanStep === undefined; ) {
      // The Rng before this epoch's shuffle: a checkpoint taken inside the epoch replays it.
      const rngAtStart = rng.getState();
      await listeners.epochBegin({ epoch, step });
      tf.tidy(() => {
        for (const v of Object.values(ctx.sums)) v.assign(tf.zerosLike(v));
      });
      let seen = 0;
      const first = skip;
      skip = 0;
      let batch = first;
      let ended = false;
      const batches = epochBatches(train, { batchSize, shuffle, rng, skip: first });
      try {
        for (;;) {
          const next = await batches.next();
          if (next.done) {
            ended = true;
            break;
          }
          const b = next.value;
          if (!shardsTried) {
            shardsTried = true;
            const opened = await (shards as ShardFactory)(b);
            if (opened) ctx.shards = opened;
          }
          const t0 = performance.now();
          const apply = (batch + 1) % accumulateSteps === 0;
          const out = trainStep(ctx, b, step, apply, lend);
          const bs = b.x.shape[0] as number;
          tf.dispose([b.x, b.y]);
          const stepTimeMs = performance.now() - t0;
          await checkPending();
          pending = { ok: out.ok, step };
          if (lend) {
            const lr = lrHyper === undefined ? undefined : resolveHyper(lrHyper, step);
            await listeners.batchEnd({
              epoch,
              batch,
              step,
              batchSize: bs,
              loss: out.loss,
              params,
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
          seen += bs;
          batch += 1;
          if (apply) step += 1;
          if (listeners.stopped || nanStep !== undefined) break;
        }
        await checkPending();
        if (nanStep !== undefined) break;
        if (!ended) {
          // Stopped by a listener: at the epoch's last batch the epoch is done, else it is cut.
          if (n !== undefined) ended = batch >= stepsFor(n, batchSize);
          else {
            const peek = await batches.next();
            if (peek.done) ended = true;
            else tf.dispose([peek.value.x, peek.value.y]);
          }
        }
      } finally {
        await batches.return(undefined);
      }
      if (!ended) {
        cutBatch = batch;
        if (options.onCheckpoint)
          await options.onCheckpoint(await captureCheckpoint(ctx, epoch, step, rngAtStart, batch));
        break;
      }
      if (batch === first) {
        throw new ConfigError(`the training data yielded no batches in epoch ${epoch}`, {
          argument: 'data',
          expected:
            'at least one batch per epoch (pass a function returning a fresh iterable, not a used-up iterator)',
          received: 'an empty or exhausted iterable',
        });
      }
      // A finished epoch ends its accumulation group: a short last group is applied as the mean
      // of what it holds, so no group spans two epochs.
      const leftover = batch % accumulateSteps;
      if (ctx.accumulated && leftover > 0) {
        flushAccumulated(ctx, step, leftover);
        step += 1;
      }
      logs = await readSums(ctx, seen);
      if (options.validationData !== undefined) {
        const val = await evaluateFunction(params, forward, options.validationData, {
          loss: options.loss,
          metrics,
          batchSize,
        });
        for (const [k, v] of Object.entries(val)) logs[`val_${k}`] = v;
      }
      epoch += 1;
      history.push(logs);
      await listeners.epochEnd({ epoch: epoch - 1, step, logs });
      if (
        options.onCheckpoint &&
        (epoch % checkpointEvery === 0 || epoch === epochs || listeners.stopped)
      ) {
        await options.onCheckpoint(await captureCheckpoint(ctx, epoch, step, rng.getState()));
      }
    }
    const stopReason =
      nanStep !== undefined ? `non-finite loss at step ${nanStep}` : listeners.stopReason;
    await listeners.trainEnd({
      epoch,
      step,
      logs,
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
      history,
      epoch,
      step,
      ...(cutBatch === undefined ? {} : { batch: cutBatch }),
      ...(stopReason === undefined ? {} : { stopReason }),
      replicas: ctx.shards?.replicas ?? 1,
    };
  } finally {
    await ctx.shards?.dispose();
    if (pending) pending.ok.dispose();
    ctx.state.dispose();
    tf.dispose([ctx.healthy, ...Object.values(ctx.sums), ...Object.values(ctx.accumulated ?? {})]);
  }
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

async function captureCheckpoint(
  ctx: StepContext,
  epoch: number,
  step: number,
  rng: RngState,
  batch?: number,
): Promise<Checkpoint> {
  return {
    kind: 'train.checkpoint',
    version: 1,
    epoch,
    ...(batch === undefined ? {} : { batch }),
    step,
    rng,
    weights: await saveTensors(ctx.params),
    optimizerState: await saveTensors(ctx.state.vars),
    ...(ctx.accumulated ? { accumulated: await saveTensors(ctx.accumulated) } : {}),
    optimizer: ctx.optimizer.toJSON(),
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

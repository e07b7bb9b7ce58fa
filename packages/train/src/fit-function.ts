import * as tf from '@tensorflow/tfjs-core';
import { assertPositiveInt, ConfigError, NaNError, type Params } from '@trainkit/core';
import { type Batch, epochBatches, stepsFor, type TrainData } from './batches';
import { evaluateFunction } from './evaluate';
import type { FitOptions, FitResult } from './fit-options';
import { captureCheckpoint, type Run, readSums, restore, startRun } from './fit-run';
import type { ShardFactory } from './shards';
import { type Forward, trainStep } from './train-step';

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

export type { FitOptions, FitResult };

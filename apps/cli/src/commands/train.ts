// `trainkit train`: parse -> resume point -> data -> model -> optimizer -> run folder ->
// listeners -> fit (with checkpoints) -> outputs. Each step is a function below; the components
// come from ./train-parts, the run folder from ./train-run-folder.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { summary } from '@trainkit/architectures';
import {
  type GradientTransformation,
  IOError,
  isTrainkitError,
  type Logs,
  NaNError,
  ShapeError,
  type TrainEndEvent,
  type TrainingListener,
} from '@trainkit/core';
import type { Dataset, PixelNormalization } from '@trainkit/data';
import { diagnose, type MonitorRecord, monitor } from '@trainkit/monitors';
import {
  jsonlSink,
  readJsonl,
  tensorboardFileSink,
  writeHtmlReport,
  writeLossPng,
} from '@trainkit/monitors/node';
import { earlyStopping } from '@trainkit/regularizers';
import {
  accuracy,
  type Checkpoint,
  evaluate,
  type FitOptions,
  type FitResult,
  fit,
  softmaxCrossEntropy,
  type TrainData,
} from '@trainkit/train';
import { readCheckpoint, saveCheckpoint } from '@trainkit/train/node';
import { loadModel } from '@trainkit/transfer';
import { loadModelFromPath, saveModelToPath } from '@trainkit/transfer/node';
import type { Parsed } from '../args';
import { loadDataset } from '../datasets';
import { formatFindings } from '../format';
import { startBackend } from '../runtime';
import { Interrupted, UsageError } from '../usage-error';
import {
  architectureOptions,
  augmentation,
  buildModel,
  buildOptimizer,
  constraints,
  initialize,
  initializerName,
  penalties,
  prepareTrainingData,
  subset,
  type TrainOptions,
} from './train-parts';
import {
  claimRunFolder,
  type Resolved,
  RUN_OUTPUTS,
  type RunConfig,
  readResult,
  resolveOptions,
  trimMetrics,
  writeJson,
} from './train-run-folder';
import { SIGNAL_EXIT, type SignalStop, signalStop } from './train-stop';

export type { RunConfig } from './train-run-folder';

// The one cast left: @trainkit/train's TrainableModel does not take a tfjs LayersModel as it is
// yet. Being fixed in packages/train (issue 21, another change); drop this helper then.
const trainable = (model: tfl.LayersModel) => model as unknown as Parameters<typeof fit>[0];

/** What the checkpoint unit keeps besides the tensors: the run's history so far. */
interface RunSoFar {
  history: Logs[];
  seconds: number;
}

/** Library argument names in errors, and the flag of this command that they come from. */
const FLAG_OF: Record<string, string> = {
  x: '--dataset',
  y: '--dataset',
  data: '--dataset',
  validationData: '--validation',
  dir: '--resume',
  'checkpoint.json': '--resume',
  path: '--resume',
};

/**
 * `trainkit train`: returns the exit code (0; 130 / 143 when stopped by SIGINT / SIGTERM).
 * `hooks.listeners` join the run's listeners (`trainkit hpo` reports each epoch to its trial's
 * pruner this way).
 */
export async function train(
  parsed: Parsed,
  log: (s: string) => void,
  hooks: { listeners?: TrainingListener[] } = {},
): Promise<number> {
  try {
    return await trainRun(parsed, log, hooks);
  } catch (e) {
    throw namingTheFlag(e);
  }
}

/** A library error about `x`, `dir`, ... named by the user's flag instead. */
function namingTheFlag(e: unknown): unknown {
  if (!isTrainkitError(e) || e.argument === undefined) return e;
  const root = e.argument.split(/[.[]/)[0] as string;
  const flag = FLAG_OF[e.argument] ?? FLAG_OF[root];
  if (flag === undefined || !e.message.startsWith(`${e.argument}: `)) return e;
  const Ctor = e.constructor as new (m: string, d: { argument: string; cause: unknown }) => Error;
  return new Ctor(e.message.slice(e.argument.length + 2), { argument: flag, cause: e });
}

async function trainRun(
  parsed: Parsed,
  log: (s: string) => void,
  hooks: { listeners?: TrainingListener[] },
): Promise<number> {
  const target = resolveOptions(parsed);
  const { o } = target;
  checkArchOptions(o);
  const point = await readResumePoint(target, log);
  const data = await loadRunData(o, log);
  const { model, archOptions } = buildRunModel(o, data);
  const tensors: tf.Tensor[] = [];
  let release = () => {};
  try {
    // Every check that can refuse the options runs before the run folder is touched.
    const setup = await prepareModel(o, target, point, data, model, archOptions);
    const claimed = openRunFolder(target, point, log);
    release = claimed.release;
    const { dir } = claimed;
    const { inputShape: _i, numClasses: _n, outputActivation: _a, ...shown } = archOptions;
    log(
      `model: ${o.arch} ${JSON.stringify(shown)}, ${setup.params.toLocaleString('en')} parameters${setup.initialized ? `, ${setup.initialized} kernels initialized with ${setup.initName} (seed ${o.seed})` : ''}`,
    );
    const inputs = runTensors(o, data, point, tensors);
    const config: RunConfig = {
      kind: 'trainkit.run',
      version: 1,
      command: 'train',
      createdAt: target.createdAt ?? new Date().toISOString(),
      options: o,
      resolved: {
        dataset: data.name,
        sizes: {
          train: data.train.size,
          validation: data.validation?.size ?? 0,
          test: data.test.size,
        },
        archOptions,
        params: setup.params,
        backend: data.backend,
        stepsPerEpoch: setup.stepsPerEpoch,
        normalization: data.norm.toJSON(),
        optimizer: setup.optimizer.toJSON(),
      },
    };
    // A new run records its options now; a resumed one only once it has produced a checkpoint
    // (a resume that fails with new flags must not replace the options that worked).
    const configSaved = !target.viaResume;
    if (configSaved) writeJson(join(dir, 'config.json'), config);
    const run = runListeners(o, dir, hooks, log);
    log(
      `training: ${o.epochs} epochs of ${setup.stepsPerEpoch} steps, batch ${o.batchSize}, ${o.optimizer} lr ${o.lr}${o.schedule !== 'constant' ? ` (${o.schedule})` : ''}${point.checkpoint ? `, resuming at epoch ${point.checkpoint.epoch} (step ${point.checkpoint.step}${point.checkpoint.batch ? `, batch ${point.checkpoint.batch} of epoch ${point.checkpoint.epoch + 1}` : ''})` : ''}; run folder ${dir}`,
    );
    const fitted = await fitRun({
      o,
      parsed,
      model,
      optimizer: setup.optimizer,
      inputs,
      point,
      run,
      dir,
      saveConfig: configSaved ? undefined : () => writeJson(join(dir, 'config.json'), config),
    });
    return await writeOutputs({
      o,
      dir,
      model,
      data,
      point,
      run,
      fitted,
      inputs,
      stepsPerEpoch: setup.stepsPerEpoch,
      log,
    });
  } finally {
    release();
    tf.dispose(tensors);
    model.dispose();
  }
}

function checkArchOptions(o: TrainOptions): void {
  const archGiven = o.archOptions as unknown;
  if (
    archGiven !== undefined &&
    (archGiven === null || typeof archGiven !== 'object' || Array.isArray(archGiven))
  ) {
    throw new UsageError('--arch-options must be a JSON object, e.g. \'{"variant":"classic"}\'');
  }
}

/** Where a resumed run continues: its checkpoint, the files saved with it and its history. */
interface ResumePoint {
  checkpoint?: Checkpoint;
  files: Record<string, Uint8Array>;
  before: RunSoFar;
  /** Trained to the end but stopped before writing its results: only write them. */
  finishOnly: boolean;
}

async function readResumePoint(r: Resolved, log: (s: string) => void): Promise<ResumePoint> {
  const point: ResumePoint = { files: {}, before: { history: [], seconds: 0 }, finishOnly: false };
  if (!r.resume) return point;
  // A checkpoint that does not verify falls back to the previous one; neither: a clear refusal
  // that leaves both in place.
  const read = await readCheckpoint(join(r.dir, 'checkpoint')).catch((e: unknown) => {
    throw new IOError(
      `the run's checkpoint cannot be used (${(e as Error).message}); nothing was changed`,
      { argument: '--resume', cause: e },
    );
  });
  if (read.fellBack) {
    log(`checkpoint: the newest did not verify (${read.fellBack}); resuming from the previous one`);
  }
  const checkpoint = read.checkpoint;
  point.checkpoint = checkpoint;
  point.files = read.files;
  const so = read.files['run.json'];
  if (so) point.before = JSON.parse(Buffer.from(so).toString('utf8')) as RunSoFar;
  if (checkpoint.epoch >= r.o.epochs) {
    const done = readResult(join(r.dir, 'result.json'));
    if (done?.step === checkpoint.step) {
      throw new UsageError(
        `run ${r.dir} already has ${checkpoint.epoch} of ${r.o.epochs} epochs: pass --epochs > ${checkpoint.epoch} to continue it`,
      );
    }
    // Trained to the end, but stopped before its results were written: write them now.
    point.finishOnly = true;
  }
  return point;
}

/** The run's data: limited, split and normalised, and the backend it runs on. */
interface RunData {
  name: string;
  norm: PixelNormalization;
  train: Dataset;
  validation: Dataset | undefined;
  test: Dataset;
  backend: string;
}

async function loadRunData(o: TrainOptions, log: (s: string) => void): Promise<RunData> {
  // The data first: a wrong path fails before the backend starts.
  const data = await loadDataset(o.dataset, {
    seed: o.seed,
    ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir }),
    ...(o.csvShape === undefined ? {} : { csvShape: o.csvShape }),
  });
  const backend = await startBackend(o.backend, log);
  const { raw, norm, train, validation } = prepareTrainingData(data, o);
  const test = subset(data.test, o.testLimit, o.seed).normalize(norm);
  if (validation !== undefined && validation.size === 0) {
    throw new UsageError(
      `--validation ${o.validation} of ${raw.size} examples leaves no validation example: use more data (--limit) or --validation 0`,
    );
  }
  if (o.earlyStopping !== undefined && !validation) {
    throw new UsageError('--early-stopping needs a validation split (--validation > 0)');
  }
  log(
    `data: ${data.name}, ${train.size} train / ${validation?.size ?? 0} validation / ${test.size} test, examples [${train.shape.join(', ')}], ${train.numClasses} classes`,
  );
  return { name: data.name, norm, train, validation, test, backend: backend.name };
}

function buildRunModel(
  o: TrainOptions,
  data: RunData,
): { model: tfl.LayersModel; archOptions: Record<string, unknown> } {
  const { shape, numClasses } = data.train;
  const archOptions = architectureOptions(o, shape, numClasses);
  try {
    return { model: buildModel(o.arch, archOptions), archOptions };
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    throw new ShapeError(
      `the examples of ${data.name} ([${shape.join(', ')}]) do not fit ${o.arch}: ${e.message}`,
      { argument: '--dataset', cause: e },
    );
  }
}

/** Seeded initialization (a new run), the optimizer, and a resumed run's weights. */
async function prepareModel(
  o: TrainOptions,
  r: Resolved,
  point: ResumePoint,
  data: RunData,
  model: tfl.LayersModel,
  archOptions: Record<string, unknown>,
) {
  const initName = initializerName(o.init, o.arch, archOptions);
  const initialized = r.resume ? 0 : initialize(model, initName, o.seed);
  const params = summary(model).totals.params;
  const stepsPerEpoch = Math.ceil(data.train.size / o.batchSize);
  const optimizer = buildOptimizer(o, stepsPerEpoch * o.epochs, stepsPerEpoch);
  if (r.resume) await restoreAllWeights(model, point.files, join(r.dir, 'model'));
  return { initName, initialized, params, stepsPerEpoch, optimizer };
}

/** Claims the run folder; a restarted run loses its old outputs, a resumed one its later metrics. */
function openRunFolder(r: Resolved, point: ResumePoint, log: (s: string) => void) {
  const claimed = claimRunFolder(r);
  const { dir } = claimed;
  if (r.restart) {
    // Failed before its first checkpoint: nothing of it can be resumed, so it starts over.
    for (const f of RUN_OUTPUTS) rmSync(join(dir, f), { recursive: true, force: true });
    log(`run folder ${dir} has no checkpoint yet: starting it over`);
  }
  if (point.checkpoint) {
    trimMetrics(join(dir, 'metrics.jsonl'), point.checkpoint.step, point.checkpoint.epoch);
  }
  return claimed;
}

/** The data as fit takes it: tensors (owned by `tensors`), or augmented batches per epoch. */
interface RunTensors {
  train: TrainData;
  validation: { x: tf.Tensor; y: tf.Tensor } | undefined;
  test: { x: tf.Tensor; y: tf.Tensor };
}

function runTensors(
  o: TrainOptions,
  data: RunData,
  point: ResumePoint,
  tensors: tf.Tensor[],
): RunTensors {
  const trainT = data.train.toTensors();
  const valT = data.validation?.toTensors();
  const testT = data.test.toTensors();
  tensors.push(trainT.x, trainT.y, testT.x, testT.y, ...(valT ? [valT.x, valT.y] : []));
  const aug = augmentation(o.augment, o.seed);
  let epochSeen = point.checkpoint?.epoch ?? 0;
  const train: TrainData = aug
    ? () => augmented(data.train, o.batchSize, o.seed * 7919 + epochSeen++, aug)
    : trainT;
  return { train, validation: valT, test: testT };
}

/** The run's listeners: monitor and sinks, the signal stop, the epoch record, early stopping. */
interface RunListeners {
  listeners: TrainingListener[];
  mon: ReturnType<typeof monitor>;
  metricsSink: { write(r: MonitorRecord): void; flush?(): Promise<void> | void };
  stop: SignalStop;
  epochLogs: Logs[];
  ended(): TrainEndEvent | undefined;
  tty: boolean;
}

function runListeners(
  o: TrainOptions,
  dir: string,
  hooks: { listeners?: TrainingListener[] },
  log: (s: string) => void,
): RunListeners {
  const metricsSink = jsonlSink(join(dir, 'metrics.jsonl'));
  const mon = monitor({
    every: 10,
    sinks: [metricsSink, tensorboardFileSink(join(dir, 'tensorboard'))],
  });
  const stop = signalStop();
  const epochLogs: Logs[] = [];
  let ended: TrainEndEvent | undefined;
  const recorder: TrainingListener = {
    onEpochEnd: (e) => {
      epochLogs.push({ ...e.logs });
    },
    onTrainEnd: (e) => {
      ended = e;
    },
  };
  const tty = process.stdout.isTTY === true && !process.env.CI;
  const listeners: TrainingListener[] = [stop.listener, recorder, mon];
  if (!tty) listeners.push(epochLines(o.epochs, log));
  if (o.earlyStopping !== undefined) {
    listeners.push(earlyStopping({ monitor: 'val_loss', patience: o.earlyStopping }));
  }
  listeners.push(...(hooks.listeners ?? []));
  return { listeners, mon, metricsSink, stop, epochLogs, ended: () => ended, tty };
}

/** What fit left: its result, or the NaN that stopped it; and whether a checkpoint was saved. */
interface Fitted {
  result: FitResult | undefined;
  nan: NaNError | undefined;
  saved: boolean;
  soFar: () => RunSoFar;
  seconds: () => number;
}

/** Trains, checkpointing the tensors, the model and the history as one unit. */
async function fitRun(a: {
  o: TrainOptions;
  parsed: Parsed;
  model: tfl.LayersModel;
  optimizer: GradientTransformation;
  inputs: RunTensors;
  point: ResumePoint;
  run: RunListeners;
  dir: string;
  /** Writes config.json at the first checkpoint (a resumed run); undefined when it is written. */
  saveConfig: (() => void) | undefined;
}): Promise<Fitted> {
  const { o, model, run, dir, point } = a;
  const t0 = performance.now();
  const soFar = (): RunSoFar => ({
    history: [...point.before.history, ...run.epochLogs],
    seconds: point.before.seconds + (performance.now() - t0) / 1000,
  });
  let saveConfig = a.saveConfig;
  const fitted: Fitted = {
    result: undefined,
    nan: undefined,
    saved: false,
    soFar,
    seconds: () => (performance.now() - t0) / 1000,
  };
  run.stop.attach();
  try {
    fitted.result = await fit(trainable(model), a.inputs.train, {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
      optimizer: a.optimizer,
      epochs: o.epochs,
      batchSize: o.batchSize,
      rng: o.seed,
      penalties: penalties(o),
      ...replicaOptions(a.parsed),
      constraints: constraints(o),
      listeners: run.listeners,
      progress: run.tty,
      ...(a.inputs.validation ? { validationData: a.inputs.validation } : {}),
      ...(point.checkpoint ? { resumeFrom: point.checkpoint } : {}),
      onCheckpoint: async (c) => {
        // The metrics up to this point on disk first: a resume keeps them and adds the rest.
        await run.mon.flush();
        await run.metricsSink.flush?.();
        // One unit: tensors, all model weights (batch-norm statistics too) and the history.
        const files = await modelFiles(model);
        files['run.json'] = JSON.stringify(soFar());
        await saveCheckpoint(join(dir, 'checkpoint'), c, { files });
        await saveModelToPath(model, join(dir, 'model'));
        saveConfig?.();
        saveConfig = undefined;
        fitted.saved = true;
      },
    });
  } catch (e) {
    if (!(e instanceof NaNError)) throw e;
    fitted.nan = e; // the weights are the last good ones: saved by writeOutputs with the results
  } finally {
    run.stop.detach();
  }
  return fitted;
}

/**
 * The report, loss plot and diagnosis; then either the interruption (exit 130 / 143 with a
 * checkpoint to resume) or the final model, its test scores and result.json.
 */
async function writeOutputs(a: {
  o: TrainOptions;
  dir: string;
  model: tfl.LayersModel;
  data: RunData;
  point: ResumePoint;
  run: RunListeners;
  fitted: Fitted;
  inputs: RunTensors;
  stepsPerEpoch: number;
  log: (s: string) => void;
}): Promise<number> {
  const { dir, model, point, fitted, log } = a;
  const { result, nan } = fitted;
  const whole = fitted.soFar();
  const seconds = fitted.seconds();
  const records = readJsonl(join(dir, 'metrics.jsonl'));
  const report = writeHtmlReport(records, join(dir, 'report.html'), `trainkit run ${dir}`);
  writeLossPng(records, join(dir, 'loss.png'));
  const findings = diagnose(records);

  const stopSignal = a.run.stop.signal;
  if (stopSignal && !nan && result) {
    // A run cut inside an epoch saves where it stopped: a resumed run finishes that epoch exactly.
    const within =
      result.batch === undefined
        ? ''
        : ` (epoch ${result.epoch + 1} after batch ${result.batch} of ${a.stepsPerEpoch}; a resumed run continues it)`;
    const what = fitted.saved
      ? `checkpoint saved at epoch ${result.epoch}, step ${result.step}${within}`
      : 'nothing saved (no step finished)';
    const verb = stopSignal === 'SIGINT' ? 'interrupted' : 'terminated';
    log(`${verb} after ${seconds.toFixed(1)} s: ${what}`);
    log(`report: ${resolve(report)}`);
    if (fitted.saved) log(`resume with: trainkit train --resume ${dir}`);
    throw new Interrupted(
      fitted.saved
        ? `${verb}; resume with: trainkit train --resume ${dir}`
        : `${verb} before the first checkpoint; start it again with: trainkit train --resume ${dir}`,
      SIGNAL_EXIT[stopSignal],
    );
  }
  // The final model (after a NaN stop: the last good weights).
  await saveModelToPath(model, join(dir, 'model'));
  const scores = await evaluate(trainable(model), a.inputs.test, {
    loss: softmaxCrossEntropy(),
    metrics: [accuracy()],
  });
  const ended = a.run.ended();
  const epoch = result?.epoch ?? ended?.epoch ?? point.checkpoint?.epoch ?? 0;
  const step = result?.step ?? ended?.step ?? point.checkpoint?.step ?? 0;
  const stopReason = nan ? (ended?.stopReason ?? 'non-finite loss') : result?.stopReason;
  const engines =
    result === undefined
      ? ''
      : ` on ${result.replicas} ${result.replicas === 1 ? 'engine' : 'replicas'}`;
  writeJson(join(dir, 'result.json'), {
    testLoss: scores.loss,
    testAccuracy: scores.acc,
    epoch,
    step,
    seconds: whole.seconds,
    ...(stopReason ? { stopReason } : {}),
    history: whole.history,
  });
  log(
    `trained ${epoch} epochs (${step} steps) in ${seconds.toFixed(1)} s${engines}${stopReason ? ` (stopped: ${stopReason})` : ''}${point.finishOnly ? ' (results of a run that had finished training)' : ''}`,
  );
  log(
    `test accuracy ${scores.acc?.toFixed(4)} (test loss ${scores.loss?.toFixed(4)}, ${a.data.test.size} examples)`,
  );
  log(formatFindings(findings));
  log(`report: ${resolve(report)}`);
  log(`model: ${resolve(join(dir, 'model', 'model.json'))}`);
  if (nan) {
    throw new NaNError(
      `${nan.message.replace(/^loss: /, '')}; saved: the last good weights (model/), result.json, report.html and the diagnosis above`,
      { argument: '--lr' },
    );
  }
  return 0;
}

/** The model (all weights, batch-norm statistics included) as model.json + weights.bin bytes. */
async function modelFiles(model: tfl.LayersModel): Promise<Record<string, Uint8Array | string>> {
  let files: Record<string, Uint8Array | string> = {};
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const raw = a.weightData;
      const data = Array.isArray(raw) ? tf.io.concatenateArrayBuffers(raw) : raw;
      files = {
        'model.json': JSON.stringify({
          modelTopology: a.modelTopology,
          format: a.format,
          generatedBy: a.generatedBy,
          convertedBy: a.convertedBy,
          weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
        }),
        'weights.bin': new Uint8Array(data ?? new ArrayBuffer(0)),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return files;
}

/** One line per epoch when the progress bar is off (output is not a terminal). */
function epochLines(epochs: number, log: (s: string) => void): TrainingListener {
  let t0 = performance.now();
  return {
    onEpochBegin() {
      t0 = performance.now();
    },
    onEpochEnd(e) {
      const logs = Object.entries(e.logs)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join('  ');
      log(
        `epoch ${e.epoch + 1}/${epochs} ${((performance.now() - t0) / 1000).toFixed(1)}s  ${logs}`,
      );
    },
  };
}

/** `--replicas` (default: fit's, the machine's cores); workers register the architectures' layers. */
function replicaOptions(parsed: Parsed): Pick<FitOptions, 'replicas' | 'replicaSetup'> {
  const replicas = parsed.options.replicas as number | undefined;
  let architectures: string | undefined;
  try {
    architectures = import.meta.resolve('@trainkit/architectures');
  } catch {
    architectures = undefined; // a runtime without import.meta.resolve: workers may say they cannot start
  }
  return {
    ...(replicas === undefined ? {} : { replicas }),
    ...(architectures === undefined
      ? {}
      : { replicaSetup: [{ module: architectures, export: 'registerArchitectureLayers' }] }),
  };
}

/**
 * Loads every weight (BN moving statistics included) into `model`: from the checkpoint's own
 * copy of the model, or (a checkpoint written before it kept one) the run's model folder.
 */
async function restoreAllWeights(
  model: tfl.LayersModel,
  files: Record<string, Uint8Array>,
  path: string,
): Promise<void> {
  const json = files['model.json'];
  const weights = files['weights.bin'];
  let saved: tfl.LayersModel;
  if (json && weights) {
    const m = JSON.parse(Buffer.from(json).toString('utf8')) as tf.io.ModelJSON;
    const data = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
    saved = await loadModel(
      tf.io.fromMemory({
        modelTopology: m.modelTopology,
        weightSpecs: m.weightsManifest[0]?.weights ?? [],
        weightData: data as ArrayBuffer,
      }),
    );
  } else saved = await loadModelFromPath(path);
  try {
    model.setWeights(saved.getWeights());
  } finally {
    saved.dispose();
  }
}

async function* augmented(
  ds: Dataset,
  batchSize: number,
  seed: number,
  aug: (x: tf.Tensor4D) => tf.Tensor4D,
) {
  for await (const b of ds.batches(batchSize, { shuffle: true, rng: seed })) {
    const x = aug(b.x as tf.Tensor4D);
    b.x.dispose();
    yield { x, y: b.y };
  }
}

// `trainkit train`: parse -> resume point -> data -> model -> optimizer -> run folder ->
// listeners -> fit (with checkpoints) -> outputs. The steps up to the run folder are below; the
// listeners, fit and outputs are in ./train-fit, the components come from ./train-parts and the
// run folder from ./train-run-folder.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { summary } from '@trainkit/architectures';
import {
  type GradientTransformation,
  IOError,
  ShapeError,
  type TrainingListener,
} from '@trainkit/core';
import type { Dataset } from '@trainkit/data';
import type { TrainData } from '@trainkit/train';
import { readCheckpoint } from '@trainkit/train/node';
import { loadModel } from '@trainkit/transfer';
import { loadModelFromPath } from '@trainkit/transfer/node';
import type { Parsed } from '../args';
import { loadDataset } from '../datasets';
import { startBackend } from '../runtime';
import { UsageError } from '../usage-error';
import { namingTheFlag, TRAINING_FLAGS } from './flag-errors';
import {
  fitRun,
  type ResumePoint,
  type RunData,
  type RunSoFar,
  type RunTensors,
  runListeners,
  writeOutputs,
} from './train-fit';
import {
  architectureOptions,
  augmentation,
  buildModel,
  buildOptimizer,
  initialize,
  initializerName,
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

export type { RunConfig } from './train-run-folder';

/** Library argument names in errors, and the flag of this command that they come from. */
const FLAG_OF: Record<string, string> = {
  x: '--dataset',
  y: '--dataset',
  data: '--dataset',
  validationData: '--validation',
  dir: '--resume',
  'checkpoint.json': '--resume',
  path: '--resume',
  ...TRAINING_FLAGS,
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
    throw namingTheFlag(e, FLAG_OF);
  }
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
    const config = runConfig(target, data, archOptions, setup);
    // A new run records its options now; a resumed one only once it has produced a checkpoint
    // (a resume that fails with new flags must not replace the options that worked).
    const configSaved = !target.viaResume;
    if (configSaved) writeJson(join(dir, 'config.json'), config);
    const run = runListeners(o, dir, hooks, log);
    log(
      `training: ${o.epochs} epochs of ${setup.stepsPerEpoch} steps, batch ${o.batchSize}${(o.accumulateSteps ?? 1) > 1 ? ` (gradients of ${o.accumulateSteps} batches per update)` : ''}, ${o.optimizer} lr ${o.lr}${o.schedule !== 'constant' ? ` (${o.schedule})` : ''}${point.checkpoint ? `, resuming at epoch ${point.checkpoint.epoch} (step ${point.checkpoint.step}${point.checkpoint.batch ? `, batch ${point.checkpoint.batch} of epoch ${point.checkpoint.epoch + 1}` : ''})` : ''}; run folder ${dir}`,
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

/** What config.json records: the options, and what they resolved to on this data. */
function runConfig(
  r: Resolved,
  data: RunData,
  archOptions: Record<string, unknown>,
  setup: { params: number; stepsPerEpoch: number; optimizer: GradientTransformation },
): RunConfig {
  return {
    kind: 'trainkit.run',
    version: 1,
    command: 'train',
    createdAt: r.createdAt ?? new Date().toISOString(),
    options: r.o,
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
  // Schedules count updates: with accumulation, one per group of batches (an epoch's last, shorter
  // group included, since groups never span epochs).
  const updatesPerEpoch = Math.ceil(stepsPerEpoch / (o.accumulateSteps ?? 1));
  const optimizer = buildOptimizer(o, updatesPerEpoch * o.epochs, updatesPerEpoch);
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

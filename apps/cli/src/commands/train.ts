import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { summary } from '@trainkit/architectures';
import { IOError, ShapeError, type TrainingListener } from '@trainkit/core';
import {
  type Dataset,
  fitPixelNormalization,
  pixelNormalization,
  splitDataset,
} from '@trainkit/data';
import { diagnose, monitor } from '@trainkit/monitors';
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
  fit,
  restoreCheckpoint,
  saveCheckpoint,
  softmaxCrossEntropy,
  type TrainData,
} from '@trainkit/train';
import { loadModelFromPath, saveModelToPath } from '@trainkit/transfer/node';
import type { Parsed } from '../args';
import { loadDataset } from '../datasets';
import { formatFindings } from '../format';
import { startBackend } from '../runtime';
import { Interrupted, UsageError } from '../usage-error';
import { trainSpec } from './specs';
import {
  architectureOptions,
  augmentation,
  buildModel,
  buildOptimizer,
  constraints,
  initialize,
  initializerName,
  penalties,
  type TrainOptions,
} from './train-parts';

/** What `config.json` of a run folder holds. */
export interface RunConfig {
  kind: 'trainkit.run';
  version: 1;
  command: 'train';
  createdAt: string;
  options: TrainOptions;
  resolved: Record<string, unknown>;
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

function readRunConfig(dir: string): RunConfig {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) {
    throw new IOError('not a run folder', {
      argument: '--resume',
      expected: `a folder written by trainkit train (with config.json)`,
      received: dir,
    });
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunConfig;
  } catch (cause) {
    throw new IOError('config.json is not valid JSON', { argument: path, cause });
  }
}

/** Options of this invocation: a resumed run's saved options under the flags given now. */
function resolveOptions(parsed: Parsed): { o: TrainOptions; dir: string; resume: boolean } {
  const opts = parsed.options;
  const persistent = trainSpec.flags
    .filter((f) => !f.transient)
    .map((f) => f.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
  const pick = (src: Record<string, unknown>) =>
    Object.fromEntries(persistent.filter((k) => src[k] !== undefined).map((k) => [k, src[k]]));
  const resumeDir = opts.resume as string | undefined;
  if (resumeDir !== undefined) {
    if (opts.out !== undefined && opts.out !== resumeDir) {
      throw new UsageError(
        '--out and --resume: a resumed run continues in its own folder; drop --out',
      );
    }
    const saved = readRunConfig(resumeDir).options as unknown as Record<string, unknown>;
    const mine = Object.fromEntries(
      [...parsed.explicit].filter((k) => persistent.includes(k)).map((k) => [k, opts[k]]),
    );
    return {
      o: { ...pick(saved), ...mine } as unknown as TrainOptions,
      dir: resumeDir,
      resume: true,
    };
  }
  const dir = (opts.out as string | undefined) ?? join('runs', stamp());
  if (existsSync(join(dir, 'config.json'))) {
    throw new UsageError(
      `run folder ${dir} already holds a run: continue it with --resume ${dir}, or choose another --out`,
    );
  }
  return { o: pick(opts) as unknown as TrainOptions, dir, resume: false };
}

function subset(ds: Dataset, n: number | undefined, seed: number): Dataset {
  if (n === undefined || n >= ds.size) return ds;
  return ds.shuffle(seed).subset(Array.from({ length: n }, (_, i) => i));
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

/** `trainkit train`: returns the exit code (0, or 130 when interrupted). */
export async function train(parsed: Parsed, log: (s: string) => void): Promise<number> {
  const { o, dir, resume } = resolveOptions(parsed);
  const checkpointDir = join(dir, 'checkpoint');
  let checkpoint: Checkpoint | undefined;
  if (resume) {
    if (!existsSync(join(checkpointDir, 'checkpoint.json'))) {
      throw new IOError('the run has no checkpoint to resume from', {
        argument: '--resume',
        expected: `${checkpointDir}/checkpoint.json`,
        received: dir,
      });
    }
    checkpoint = await restoreCheckpoint(checkpointDir);
    if (checkpoint.epoch >= o.epochs) {
      throw new UsageError(
        `run ${dir} already has ${checkpoint.epoch} of ${o.epochs} epochs: pass --epochs > ${checkpoint.epoch} to continue it`,
      );
    }
  }
  // The data first: a wrong path fails before the backend starts.
  const data = await loadDataset(o.dataset, {
    seed: o.seed,
    ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir }),
    ...(o.csvShape === undefined ? {} : { csvShape: o.csvShape }),
  });
  const backend = await startBackend(o.backend, log);
  const raw = subset(data.train, o.limit, o.seed);
  const norm =
    o.normalize === 'standardize'
      ? fitPixelNormalization(raw, { maxValue: data.maxValue })
      : pixelNormalization({ mode: o.normalize, maxValue: data.maxValue });
  const all = raw.normalize(norm);
  const { train: trainDs, validation } =
    o.validation > 0
      ? splitDataset(all, { validation: o.validation, stratify: true, rng: o.seed })
      : { train: all, validation: undefined };
  const testDs = subset(data.test, o.testLimit, o.seed).normalize(norm);
  log(
    `data: ${data.name}, ${trainDs.size} train / ${validation?.size ?? 0} validation / ${testDs.size} test, examples [${trainDs.shape.join(', ')}], ${trainDs.numClasses} classes`,
  );

  const archOptions = architectureOptions(o, trainDs.shape, trainDs.numClasses);
  let model: tfl.LayersModel;
  try {
    model = buildModel(o.arch, archOptions);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    throw new ShapeError(
      `the examples of ${data.name} ([${trainDs.shape.join(', ')}]) do not fit ${o.arch}: ${e.message}`,
      {
        argument: '--dataset',
        cause: e,
      },
    );
  }
  const tensors: tf.Tensor[] = [];
  try {
    const initName = initializerName(o.init, o.arch, archOptions);
    const initialized = resume ? 0 : initialize(model, initName, o.seed);
    if (resume) await restoreAllWeights(model, join(dir, 'model'));
    const params = summary(model).totals.params;
    const { inputShape: _i, numClasses: _n, outputActivation: _a, ...shown } = archOptions;
    log(
      `model: ${o.arch} ${JSON.stringify(shown)}, ${params.toLocaleString('en')} parameters${initialized ? `, ${initialized} kernels initialized with ${initName} (seed ${o.seed})` : ''}`,
    );

    const stepsPerEpoch = Math.ceil(trainDs.size / o.batchSize);
    const optimizer = buildOptimizer(o, stepsPerEpoch * o.epochs, stepsPerEpoch);
    const trainT = trainDs.toTensors();
    const valT = validation?.toTensors();
    const testT = testDs.toTensors();
    tensors.push(trainT.x, trainT.y, testT.x, testT.y, ...(valT ? [valT.x, valT.y] : []));
    const aug = augmentation(o.augment, o.seed);
    let epochSeen = checkpoint?.epoch ?? 0;
    const trainData: TrainData = aug
      ? () => augmented(trainDs, o.batchSize, o.seed * 7919 + epochSeen++, aug)
      : trainT;

    const config: RunConfig = {
      kind: 'trainkit.run',
      version: 1,
      command: 'train',
      createdAt: new Date().toISOString(),
      options: o,
      resolved: {
        dataset: data.name,
        sizes: { train: trainDs.size, validation: validation?.size ?? 0, test: testDs.size },
        archOptions,
        params,
        backend: backend.name,
        stepsPerEpoch,
        normalization: norm.toJSON(),
        optimizer: optimizer.toJSON(),
      },
    };
    writeJson(join(dir, 'config.json'), config);

    const mon = monitor({
      every: 10,
      sinks: [jsonlSink(join(dir, 'metrics.jsonl')), tensorboardFileSink(join(dir, 'tensorboard'))],
    });
    let interrupted = false;
    let firstSigint = 0;
    const onSigint = () => {
      // Runners (tsx, pnpm) relay the terminal's SIGINT that this process also receives: a second
      // one within a second is the same Ctrl-C. A later one quits at once, without saving.
      if (interrupted) {
        if (Date.now() - firstSigint > 1000) process.exit(130);
        return;
      }
      interrupted = true;
      firstSigint = Date.now();
      process.stderr.write(
        '\ntrainkit: interrupted, stopping after this step (Ctrl-C again to quit without saving)\n',
      );
    };
    let stopAsked = false;
    const stopper: TrainingListener = {
      onTrainBegin: (e) => (interrupted ? e.stopTraining('interrupted') : undefined),
      onBatchEnd: (e) => {
        if (!interrupted || stopAsked) return;
        stopAsked = true;
        e.stopTraining('interrupted');
      },
    };
    const tty = process.stdout.isTTY === true && !process.env.CI;
    const listeners: TrainingListener[] = [stopper, mon];
    if (!tty) listeners.push(epochLines(o.epochs, log));
    if (o.earlyStopping !== undefined) {
      if (!valT)
        throw new UsageError('--early-stopping needs a validation split (--validation > 0)');
      listeners.push(earlyStopping({ monitor: 'val_loss', patience: o.earlyStopping }));
    }
    log(
      `training: ${o.epochs} epochs of ${stepsPerEpoch} steps, batch ${o.batchSize}, ${o.optimizer} lr ${o.lr}${o.schedule !== 'constant' ? ` (${o.schedule})` : ''}${resume ? `, resuming at epoch ${checkpoint?.epoch} (step ${checkpoint?.step}${checkpoint?.batch ? `, batch ${checkpoint.batch} of epoch ${checkpoint.epoch + 1}` : ''})` : ''}; run folder ${dir}`,
    );
    let saved = false;
    process.on('SIGINT', onSigint);
    const t0 = performance.now();
    let result: Awaited<ReturnType<typeof fit>>;
    try {
      result = await fit(model as unknown as Parameters<typeof fit>[0], trainData, {
        loss: softmaxCrossEntropy(),
        metrics: [accuracy()],
        optimizer,
        epochs: o.epochs,
        batchSize: o.batchSize,
        rng: o.seed,
        penalties: penalties(o),
        ...replicaOptions(parsed),
        constraints: constraints(o),
        listeners,
        progress: tty,
        ...(valT ? { validationData: valT } : {}),
        ...(checkpoint ? { resumeFrom: checkpoint } : {}),
        onCheckpoint: async (c) => {
          await saveCheckpoint(checkpointDir, c);
          await saveModelToPath(model, join(dir, 'model'));
          saved = true;
        },
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    const seconds = (performance.now() - t0) / 1000;
    const run = readJsonl(join(dir, 'metrics.jsonl'));
    const report = writeHtmlReport(run, join(dir, 'report.html'), `trainkit run ${dir}`);
    writeLossPng(run, join(dir, 'loss.png'));
    const findings = diagnose(run);

    if (interrupted) {
      // A run cut inside an epoch saves where it stopped: a resumed run finishes that epoch exactly.
      const within =
        result.batch === undefined
          ? ''
          : ` (epoch ${result.epoch + 1} after batch ${result.batch} of ${stepsPerEpoch}; a resumed run continues it)`;
      const what = saved
        ? `checkpoint saved at epoch ${result.epoch}, step ${result.step}${within}`
        : 'nothing saved (no step finished)';
      log(`interrupted after ${seconds.toFixed(1)} s: ${what}`);
      log(`report: ${resolve(report)}`);
      if (saved) log(`resume with: trainkit train --resume ${dir}`);
      throw new Interrupted(
        saved
          ? `interrupted; resume with: trainkit train --resume ${dir}`
          : 'interrupted before the first checkpoint',
      );
    }
    const scores = await evaluate(model as unknown as Parameters<typeof evaluate>[0], testT, {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
    });
    writeJson(join(dir, 'result.json'), {
      testLoss: scores.loss,
      testAccuracy: scores.acc,
      epoch: result.epoch,
      step: result.step,
      seconds,
      ...(result.stopReason ? { stopReason: result.stopReason } : {}),
      history: result.history,
    });
    log(
      `trained ${result.epoch} epochs (${result.step} steps) in ${seconds.toFixed(1)} s on ${result.replicas} ${result.replicas === 1 ? 'engine' : 'replicas'}${result.stopReason ? ` (stopped: ${result.stopReason})` : ''}`,
    );
    log(
      `test accuracy ${scores.acc?.toFixed(4)} (test loss ${scores.loss?.toFixed(4)}, ${testDs.size} examples)`,
    );
    log(formatFindings(findings));
    log(`report: ${resolve(report)}`);
    log(`model: ${resolve(join(dir, 'model', 'model.json'))}`);
    return 0;
  } finally {
    tf.dispose(tensors);
    model.dispose();
  }
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

/** Loads every weight (BN moving statistics included) of a run's saved model into `model`. */
async function restoreAllWeights(model: tfl.LayersModel, path: string): Promise<void> {
  const saved = await loadModelFromPath(path);
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

function writeJson(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

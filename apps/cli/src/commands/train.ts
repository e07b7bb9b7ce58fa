import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { summary } from '@trainkit/architectures';
import {
  IOError,
  isTrainkitError,
  type Logs,
  NaNError,
  ShapeError,
  type TrainEndEvent,
  type TrainingListener,
} from '@trainkit/core';
import { createFolderExclusive, removeTemporaryFiles, writeFileAtomic } from '@trainkit/core/node';
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
  prepareTrainingData,
  subset,
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

/** The files and folders a run writes (a restart removes exactly these). */
const RUN_OUTPUTS = [
  'metrics.jsonl',
  'tensorboard',
  'checkpoint',
  'model',
  'report.html',
  'loss.png',
  'result.json',
];

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

/** Whether a run folder holds a checkpoint (valid or not: a torn one is refused, not replaced). */
function hasCheckpoint(dir: string): boolean {
  const c = join(dir, 'checkpoint');
  return ['checkpoint.json', 'manifest.json', join('previous', 'checkpoint.json')].some((f) =>
    existsSync(join(c, f)),
  );
}

interface Resolved {
  o: TrainOptions;
  dir: string;
  /** Continue from the checkpoint of `dir`. */
  resume: boolean;
  /** Start `dir` over: its run failed before its first checkpoint. */
  restart: boolean;
  /** The folder still has to be created (default `runs/<timestamp>`). */
  fresh: boolean;
  /** Named by --resume (its options are saved only once it produced a checkpoint). */
  viaResume?: boolean;
  createdAt?: string;
}

/** Options of this invocation: a resumed run's saved options under the flags given now. */
function resolveOptions(parsed: Parsed): Resolved {
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
    const config = readRunConfig(resumeDir);
    const saved = config.options as unknown as Record<string, unknown>;
    const mine = Object.fromEntries(
      [...parsed.explicit].filter((k) => persistent.includes(k)).map((k) => [k, opts[k]]),
    );
    const ckpt = hasCheckpoint(resumeDir);
    return {
      o: { ...pick(saved), ...mine } as unknown as TrainOptions,
      dir: resumeDir,
      resume: ckpt,
      restart: !ckpt,
      fresh: false,
      viaResume: true,
      ...(typeof config.createdAt === 'string' ? { createdAt: config.createdAt } : {}),
    };
  }
  const out = opts.out as string | undefined;
  const o = pick(opts) as unknown as TrainOptions;
  if (out === undefined) {
    return { o, dir: join('runs', stamp()), resume: false, restart: false, fresh: true };
  }
  if (existsSync(join(out, 'config.json'))) {
    if (hasCheckpoint(out)) {
      throw new UsageError(
        `run folder ${out} already holds a run: continue it with --resume ${out}, or choose another --out`,
      );
    }
    // A run that failed before its first checkpoint: start it over with these options.
    return { o, dir: out, resume: false, restart: true, fresh: false };
  }
  return { o, dir: out, resume: false, restart: false, fresh: false };
}

/**
 * Makes `dir` this process's run folder: a new `runs/<timestamp>[-n]` is created exclusively (two
 * runs started in the same second get two folders); any folder is locked (`.trainkit.lock` with
 * this pid) so that no two live runs write into one. A lock left by a killed run is taken over.
 */
function claimRunFolder(r: Resolved): { dir: string; release: () => void } {
  let dir = r.dir;
  if (r.fresh) {
    for (let n = 2; !createFolderExclusive(dir); n++) dir = `${r.dir}-${n}`;
  } else if (!existsSync(dir)) {
    createFolderExclusive(dir);
  }
  const lock = join(dir, '.trainkit.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new UsageError(`run folder ${dir} is in use by another trainkit process`);
        }
        throw new IOError('cannot lock the run folder', { argument: lock, cause: e });
      }
      let holder = '';
      try {
        holder = readFileSync(lock, 'utf8').trim();
      } catch {
        // removed meanwhile
      }
      if (/^\d+$/.test(holder) && processAlive(Number(holder)) && Number(holder) !== process.pid) {
        throw new UsageError(
          `run folder ${dir} is in use by trainkit process ${holder} (wait for it, or choose another --out)`,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  // Temporary files of writes a crash cut short (this process now owns the folder).
  for (const d of [dir, join(dir, 'model')]) removeTemporaryFiles(d);
  return { dir, release: () => rmSync(lock, { force: true }) };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Keeps the records of metrics.jsonl that the checkpoint covers (steps before it, epochs it
 * finished): the resumed run writes the rest again, so no step is recorded twice. Unreadable
 * lines (a torn tail) are dropped. Rewritten atomically.
 */
function trimMetrics(path: string, step: number, epoch: number): void {
  if (!existsSync(path)) return;
  const kept: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let r: { type?: string; step?: number; epoch?: number };
    try {
      r = JSON.parse(line);
    } catch {
      continue;
    }
    if (r.type === 'end') continue;
    if (r.type === 'epoch' && (r.epoch ?? 0) >= epoch) continue;
    if (r.type !== 'begin' && r.type !== 'epoch' && (r.step ?? 0) >= step) continue;
    kept.push(line);
  }
  writeFileAtomic(path, kept.length ? `${kept.join('\n')}\n` : '');
}

/** What the checkpoint unit keeps besides the tensors: the run's history so far. */
interface RunSoFar {
  history: Logs[];
  seconds: number;
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

/** Exit codes of a run stopped by a signal (128 + the signal's number). */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

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
  const resolved = resolveOptions(parsed);
  const { o, resume, restart } = resolved;
  const archGiven = o.archOptions as unknown;
  if (
    archGiven !== undefined &&
    (archGiven === null || typeof archGiven !== 'object' || Array.isArray(archGiven))
  ) {
    throw new UsageError('--arch-options must be a JSON object, e.g. \'{"variant":"classic"}\'');
  }
  let checkpoint: Checkpoint | undefined;
  let checkpointFiles: Record<string, Uint8Array> = {};
  let before: RunSoFar = { history: [], seconds: 0 };
  let finishOnly = false;
  if (resume) {
    const checkpointDir = join(resolved.dir, 'checkpoint');
    // A checkpoint that does not verify falls back to the previous one; neither: a clear refusal
    // that leaves both in place.
    const read = await readCheckpoint(checkpointDir).catch((e: unknown) => {
      throw new IOError(
        `the run's checkpoint cannot be used (${(e as Error).message}); nothing was changed`,
        { argument: '--resume', cause: e },
      );
    });
    if (read.fellBack) {
      log(
        `checkpoint: the newest did not verify (${read.fellBack}); resuming from the previous one`,
      );
    }
    checkpoint = read.checkpoint;
    checkpointFiles = read.files;
    const so = checkpointFiles['run.json'];
    if (so) before = JSON.parse(Buffer.from(so).toString('utf8')) as RunSoFar;
    if (checkpoint.epoch >= o.epochs) {
      const done = readResult(join(resolved.dir, 'result.json'));
      if (done?.step === checkpoint.step) {
        throw new UsageError(
          `run ${resolved.dir} already has ${checkpoint.epoch} of ${o.epochs} epochs: pass --epochs > ${checkpoint.epoch} to continue it`,
        );
      }
      // Trained to the end, but stopped before its results were written: write them now.
      finishOnly = true;
    }
  }
  // The data first: a wrong path fails before the backend starts.
  const data = await loadDataset(o.dataset, {
    seed: o.seed,
    ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir }),
    ...(o.csvShape === undefined ? {} : { csvShape: o.csvShape }),
  });
  const backend = await startBackend(o.backend, log);
  const { raw, norm, train: trainDs, validation } = prepareTrainingData(data, o);
  const testDs = subset(data.test, o.testLimit, o.seed).normalize(norm);
  if (validation !== undefined && validation.size === 0) {
    throw new UsageError(
      `--validation ${o.validation} of ${raw.size} examples leaves no validation example: use more data (--limit) or --validation 0`,
    );
  }
  if (o.earlyStopping !== undefined && !validation) {
    throw new UsageError('--early-stopping needs a validation split (--validation > 0)');
  }
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
  let release = () => {};
  try {
    const initName = initializerName(o.init, o.arch, archOptions);
    const initialized = resume ? 0 : initialize(model, initName, o.seed);
    const params = summary(model).totals.params;
    const stepsPerEpoch = Math.ceil(trainDs.size / o.batchSize);
    // Every check that can refuse the options runs before the run folder is touched.
    const optimizer = buildOptimizer(o, stepsPerEpoch * o.epochs, stepsPerEpoch);
    if (resume) await restoreAllWeights(model, checkpointFiles, join(resolved.dir, 'model'));

    const claimed = claimRunFolder(resolved);
    release = claimed.release;
    const dir = claimed.dir;
    const checkpointDir = join(dir, 'checkpoint');
    if (restart) {
      // Failed before its first checkpoint: nothing of it can be resumed, so it starts over.
      for (const f of RUN_OUTPUTS) rmSync(join(dir, f), { recursive: true, force: true });
      log(`run folder ${dir} has no checkpoint yet: starting it over`);
    }
    if (resume && checkpoint) {
      trimMetrics(join(dir, 'metrics.jsonl'), checkpoint.step, checkpoint.epoch);
    }
    const { inputShape: _i, numClasses: _n, outputActivation: _a, ...shown } = archOptions;
    log(
      `model: ${o.arch} ${JSON.stringify(shown)}, ${params.toLocaleString('en')} parameters${initialized ? `, ${initialized} kernels initialized with ${initName} (seed ${o.seed})` : ''}`,
    );

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
      createdAt: resolved.createdAt ?? new Date().toISOString(),
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
    // A new run records its options now; a resumed one only once it has produced a checkpoint
    // (a resume that fails with new flags must not replace the options that worked).
    let configSaved = !resolved.viaResume;
    if (configSaved) writeJson(join(dir, 'config.json'), config);

    const metricsSink = jsonlSink(join(dir, 'metrics.jsonl'));
    const mon = monitor({
      every: 10,
      sinks: [metricsSink, tensorboardFileSink(join(dir, 'tensorboard'))],
    });
    let stopSignal: keyof typeof SIGNAL_EXIT | undefined;
    let firstSignal = 0;
    const onSignal = (signal: keyof typeof SIGNAL_EXIT) => {
      // Runners (tsx, pnpm) relay the terminal's SIGINT that this process also receives: a second
      // one within a second is the same Ctrl-C. A later one quits at once, without saving.
      if (stopSignal !== undefined) {
        if (Date.now() - firstSignal > 1000 || signal !== stopSignal) {
          process.stderr.write('\ntrainkit: quit without saving\n');
          process.exit(SIGNAL_EXIT[signal]);
        }
        return;
      }
      stopSignal = signal;
      firstSignal = Date.now();
      process.stderr.write(
        `\ntrainkit: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}, stopping after this step (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit without saving)\n`,
      );
    };
    const onSigint = () => onSignal('SIGINT');
    const onSigterm = () => onSignal('SIGTERM');
    let stopAsked = false;
    let lastYield = performance.now();
    const stopper: TrainingListener = {
      onTrainBegin: (e) => (stopSignal ? e.stopTraining('interrupted') : undefined),
      onBatchEnd: (e) => {
        if (stopSignal && !stopAsked) {
          stopAsked = true;
          e.stopTraining('interrupted');
          return;
        }
        // Let signal handlers run between steps (the loop itself never waits on the event
        // loop): at most every 25 ms, a setImmediate costs microseconds. A signal that arrived
        // during this step stops the run here, before another step starts.
        if (performance.now() - lastYield < 25) return;
        return new Promise<void>((r) =>
          setImmediate(() => {
            lastYield = performance.now();
            if (stopSignal && !stopAsked) {
              stopAsked = true;
              e.stopTraining('interrupted');
            }
            r();
          }),
        );
      },
    };
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
    const listeners: TrainingListener[] = [stopper, recorder, mon];
    if (!tty) listeners.push(epochLines(o.epochs, log));
    if (o.earlyStopping !== undefined) {
      listeners.push(earlyStopping({ monitor: 'val_loss', patience: o.earlyStopping }));
    }
    listeners.push(...(hooks.listeners ?? []));
    log(
      `training: ${o.epochs} epochs of ${stepsPerEpoch} steps, batch ${o.batchSize}, ${o.optimizer} lr ${o.lr}${o.schedule !== 'constant' ? ` (${o.schedule})` : ''}${resume ? `, resuming at epoch ${checkpoint?.epoch} (step ${checkpoint?.step}${checkpoint?.batch ? `, batch ${checkpoint.batch} of epoch ${checkpoint.epoch + 1}` : ''})` : ''}; run folder ${dir}`,
    );
    let saved = false;
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    const t0 = performance.now();
    const soFar = (): RunSoFar => ({
      history: [...before.history, ...epochLogs],
      seconds: before.seconds + (performance.now() - t0) / 1000,
    });
    let result: Awaited<ReturnType<typeof fit>> | undefined;
    let nan: NaNError | undefined;
    try {
      result = await fit(model, trainData, {
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
          // The metrics up to this point on disk first: a resume keeps them and adds the rest.
          await mon.flush();
          await metricsSink.flush?.();
          // One unit: tensors, all model weights (batch-norm statistics too) and the history.
          const files = await modelFiles(model);
          files['run.json'] = JSON.stringify(soFar());
          await saveCheckpoint(checkpointDir, c, { files });
          await saveModelToPath(model, join(dir, 'model'));
          if (!configSaved) {
            writeJson(join(dir, 'config.json'), config);
            configSaved = true;
          }
          saved = true;
        },
      });
    } catch (e) {
      if (!(e instanceof NaNError)) throw e;
      nan = e; // the weights are the last good ones: saved below with the results
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    }
    const whole = soFar();
    const seconds = (performance.now() - t0) / 1000;
    const run = readJsonl(join(dir, 'metrics.jsonl'));
    const report = writeHtmlReport(run, join(dir, 'report.html'), `trainkit run ${dir}`);
    writeLossPng(run, join(dir, 'loss.png'));
    const findings = diagnose(run);

    if (stopSignal && !nan && result) {
      // A run cut inside an epoch saves where it stopped: a resumed run finishes that epoch exactly.
      const within =
        result.batch === undefined
          ? ''
          : ` (epoch ${result.epoch + 1} after batch ${result.batch} of ${stepsPerEpoch}; a resumed run continues it)`;
      const what = saved
        ? `checkpoint saved at epoch ${result.epoch}, step ${result.step}${within}`
        : 'nothing saved (no step finished)';
      log(
        `${stopSignal === 'SIGINT' ? 'interrupted' : 'terminated'} after ${seconds.toFixed(1)} s: ${what}`,
      );
      log(`report: ${resolve(report)}`);
      if (saved) log(`resume with: trainkit train --resume ${dir}`);
      throw new Interrupted(
        saved
          ? `${stopSignal === 'SIGINT' ? 'interrupted' : 'terminated'}; resume with: trainkit train --resume ${dir}`
          : `${stopSignal === 'SIGINT' ? 'interrupted' : 'terminated'} before the first checkpoint; start it again with: trainkit train --resume ${dir}`,
        SIGNAL_EXIT[stopSignal],
      );
    }
    // The final model (after a NaN stop: the last good weights).
    await saveModelToPath(model, join(dir, 'model'));
    const scores = await evaluate(model, testT, {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
    });
    const epoch = result?.epoch ?? ended?.epoch ?? checkpoint?.epoch ?? 0;
    const step = result?.step ?? ended?.step ?? checkpoint?.step ?? 0;
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
      `trained ${epoch} epochs (${step} steps) in ${seconds.toFixed(1)} s${engines}${stopReason ? ` (stopped: ${stopReason})` : ''}${finishOnly ? ' (results of a run that had finished training)' : ''}`,
    );
    log(
      `test accuracy ${scores.acc?.toFixed(4)} (test loss ${scores.loss?.toFixed(4)}, ${testDs.size} examples)`,
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
  } finally {
    release();
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

function readResult(path: string): { step?: number } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
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

function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, finiteOrText, 2)}\n`);
}

/** JSON has no Infinity / NaN: they are written as strings instead of a silent `null`. */
function finiteOrText(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

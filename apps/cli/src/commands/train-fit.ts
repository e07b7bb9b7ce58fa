// `trainkit train`'s last steps: the listeners, fit with checkpoints, and the outputs (report,
// model, test scores, result.json, or the interruption to resume).
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type GradientTransformation,
  type Logs,
  NaNError,
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
import { saveCheckpoint } from '@trainkit/train/node';
import { saveModelToPath } from '@trainkit/transfer/node';
import type { Parsed } from '../args';
import { formatFindings } from '../format';
import { Interrupted } from '../usage-error';
import { constraints, penalties, type TrainOptions } from './train-parts';
import { writeJson } from './train-run-folder';
import { SIGNAL_EXIT, type SignalStop, signalStop } from './train-stop';

/** What the checkpoint unit keeps besides the tensors: the run's history so far. */
export interface RunSoFar {
  history: Logs[];
  seconds: number;
}

/** Where a resumed run continues: its checkpoint, the files saved with it and its history. */
export interface ResumePoint {
  checkpoint?: Checkpoint;
  files: Record<string, Uint8Array>;
  before: RunSoFar;
  /** Trained to the end but stopped before writing its results: only write them. */
  finishOnly: boolean;
}

/** The run's data: limited, split and normalised, and the backend it runs on. */
export interface RunData {
  name: string;
  norm: PixelNormalization;
  train: Dataset;
  validation: Dataset | undefined;
  test: Dataset;
  backend: string;
}

/** The data as fit takes it: tensors (owned by `tensors`), or augmented batches per epoch. */
export interface RunTensors {
  train: TrainData;
  validation: { x: tf.Tensor; y: tf.Tensor } | undefined;
  test: { x: tf.Tensor; y: tf.Tensor };
}

/** The run's listeners: monitor and sinks, the signal stop, the epoch record, early stopping. */
export interface RunListeners {
  listeners: TrainingListener[];
  mon: ReturnType<typeof monitor>;
  metricsSink: { write(r: MonitorRecord): void; flush?(): Promise<void> | void };
  stop: SignalStop;
  epochLogs: Logs[];
  ended(): TrainEndEvent | undefined;
  tty: boolean;
}

export function runListeners(
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
export interface Fitted {
  result: FitResult | undefined;
  nan: NaNError | undefined;
  saved: boolean;
  soFar: () => RunSoFar;
  seconds: () => number;
}

/** Trains, checkpointing the tensors, the model and the history as one unit. */
export async function fitRun(a: {
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
    fitted.result = await fit(model, a.inputs.train, {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
      optimizer: a.optimizer,
      epochs: o.epochs,
      batchSize: o.batchSize,
      accumulateSteps: o.accumulateSteps ?? 1,
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
export async function writeOutputs(a: {
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
  const scores = await evaluate(model, a.inputs.test, {
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

import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  type Constraint,
  type GradientTransformation,
  type Logs,
  type Params,
  type Penalty,
  type Rng,
  type TrainingListener,
} from '@trainkit/core';
import type { TrainData } from './batches';
import type { Checkpoint } from './checkpoint';
import type { Loss } from './losses/loss';
import type { Metric } from './metrics/metric';
import type { Forward } from './train-step';

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

/** Checks the arguments of a run that the loop does not check itself. */
export function checkOptions(params: Params, forward: Forward, options: FitOptions): void {
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

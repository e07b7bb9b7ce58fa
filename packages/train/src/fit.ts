import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertPositiveInt, ConfigError, type Logs, modelParams } from '@trainkit/core';
import { isTensorData, type TrainData } from './batches';
import {
  type EvaluateOptions,
  type EvaluateWithReportOptions,
  type EvaluationWithReport,
  evaluateFunction,
} from './evaluate';
import { type FitOptions, type FitResult, fitLoop, sayOnce } from './fit-function';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
import type { ShardFactory } from './shards';
import { checkStepMemory } from './step-memory';
import type { Forward } from './train-step';

/** The part of a tfjs-layers `LayersModel` that `fit` uses. */
export interface TrainableModel {
  readonly trainableWeights: {
    name: string;
    originalName?: string;
    trainable: boolean;
    read(): tf.Tensor;
  }[];
  apply(x: tf.Tensor, kwargs?: { training?: boolean }): unknown;
}

/** Whether `model` has what replicas need of a `LayersModel` (its topology, all its weights). */
function isLayersModel(model: TrainableModel): model is TrainableModel & tfl.LayersModel {
  const m = model as Partial<tfl.LayersModel>;
  return typeof m.toJSON === 'function' && Array.isArray(m.nonTrainableWeights);
}

function modelForward(model: TrainableModel): Forward {
  if (!model || typeof model.apply !== 'function' || !Array.isArray(model.trainableWeights)) {
    throw new ConfigError('not a tfjs-layers model', {
      argument: 'model',
      expected: 'a LayersModel (tf.sequential() / tf.model())',
      received: model,
    });
  }
  return (_params, x, { training }) => model.apply(x, { training }) as tf.Tensor;
}

/**
 * Trains a tfjs-layers `LayersModel` with trainkit's loop: any gradient transformation, penalties,
 * constraints, accumulation, listeners lending gradients and updates, checkpoints, NaN stop.
 *
 * @example
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 10, inputShape: [784] })] });
 * const { history } = await fit(model, { x, y }, {
 *   loss: softmaxCrossEntropy(), metrics: [accuracy()], optimizer: sgd({ learningRate: 0.1 }),
 *   epochs: 3, batchSize: 64, validationData: { x: xVal, y: yVal },
 * });
 */
export async function fit(
  model: TrainableModel,
  data: TrainData,
  options: FitOptions,
): Promise<FitResult> {
  const forward = modelForward(model);
  // A batch the wasm heap cannot hold is refused before the first step (it would crash the backend).
  if (options?.batchSize !== undefined || isTensorData(data))
    checkStepMemory(model as Parameters<typeof checkStepMemory>[0], options?.batchSize ?? 32);
  const params = modelParams(model);
  const shards = await replicaShards(model, data, params, options);
  return fitLoop(params, forward, data, options, shards);
}

const nodeProcess = (): { env: Record<string, string | undefined> } | undefined => {
  const p = (
    globalThis as {
      process?: { versions?: { node?: string }; env: Record<string, string | undefined> };
    }
  ).process;
  return p?.versions?.node ? p : undefined;
};

/** `options.replicas`, else `TRAINKIT_REPLICAS`, else the machine's cores (Node's main thread) or 1. */
async function defaultReplicas(options: FitOptions): Promise<number> {
  if (options?.replicas !== undefined) return assertPositiveInt('replicas', options.replicas);
  const proc = nodeProcess();
  if (!proc) return 1;
  const env = proc.env.TRAINKIT_REPLICAS;
  if (env !== undefined && env !== '') {
    const r = Number(env);
    if (!Number.isInteger(r) || r < 1) {
      throw new ConfigError('TRAINKIT_REPLICAS must be a positive integer', {
        argument: 'TRAINKIT_REPLICAS',
        expected: 'an integer >= 1',
        received: env,
      });
    }
    return r;
  }
  return (await nodeParts()).machineReplicas();
}

// The main entry stays browser-safe: the Node-only parts (worker threads, os) are loaded by
// name from this package's `./node` entry, which bundlers leave alone and browsers never run
// (`nodeProcess()` is checked first).
const NODE_ENTRY = '@trainkit/train/node';
async function nodeParts(): Promise<typeof import('./replicas-node')> {
  return (await import(/* @vite-ignore */ NODE_ENTRY)) as typeof import('./replicas-node');
}

/** Steps of the whole run for tensor data (`{ x }` with a batch dimension); {} otherwise. */
function totalSteps(data: TrainData, options: FitOptions): { totalSteps?: number } {
  const x = (data as { x?: { shape?: number[] } })?.x;
  const n = x?.shape?.[0];
  if (typeof n !== 'number' || !(n > 0)) return {};
  const batch = options?.batchSize ?? 32;
  const epochs = (options?.epochs ?? 1) - (options?.resumeFrom?.epoch ?? 0);
  return { totalSteps: Math.ceil(n / batch) * Math.max(epochs, 0) };
}

async function replicaShards(
  model: TrainableModel,
  data: TrainData,
  params: ReturnType<typeof modelParams>,
  options: FitOptions,
): Promise<ShardFactory | undefined> {
  const replicas = await defaultReplicas(options);
  if (replicas <= 1) return undefined;
  const say = (why: string) =>
    sayOnce(`fit trains on one engine, not ${replicas} replicas: ${why}`);
  if (!nodeProcess()) {
    say('this runtime has no worker threads (Node only)');
    return undefined;
  }
  if (!isLayersModel(model)) {
    say('not a tfjs-layers LayersModel');
    return undefined;
  }
  const layers = model;
  const byVariable = new Map(Object.entries(params).map(([k, v]) => [v.name, k]));
  const { workerShards } = await nodeParts();
  return workerShards({
    model: layers,
    loss: options?.loss ?? softmaxCrossEntropy(),
    replicas,
    batchSize: options?.batchSize ?? 32,
    ...(options?.replicaSetup ? { setup: options.replicaSetup } : {}),
    keyOf: (vn) => byVariable.get(vn) ?? vn,
    wait: options?.replicas !== undefined,
    ...totalSteps(data, options),
    say,
  });
}

/**
 * Mean loss and metrics of a model over `data` in inference mode. Precision, recall and F1
 * metrics are exact over the whole data. With `classification`, returns `{ logs, classification }`
 * where `classification` is a {@link ClassificationReport}: the confusion matrix, per-class and
 * macro/micro/weighted precision, recall, F1 and support (scikit-learn's definitions).
 *
 * @example
 * const { loss, acc, f1_macro } = await evaluate(model, { x: xTest, y: yTest }, {
 *   loss: softmaxCrossEntropy(), metrics: [accuracy(), f1Score({ average: 'macro' })] });
 * const { classification } = await evaluate(model, { x: xTest, y: yTest }, {
 *   loss: softmaxCrossEntropy(), classification: { labels: ['cat', 'dog'] } });
 * classification.confusionMatrix; // [[48, 2], [5, 45]]
 */
export async function evaluate(
  model: TrainableModel,
  data: TrainData,
  options: EvaluateWithReportOptions,
): Promise<EvaluationWithReport>;
export async function evaluate(
  model: TrainableModel,
  data: TrainData,
  options: EvaluateOptions,
): Promise<Logs>;
export async function evaluate(
  model: TrainableModel,
  data: TrainData,
  options: EvaluateOptions | EvaluateWithReportOptions,
): Promise<Logs | EvaluationWithReport> {
  const forward = modelForward(model);
  return evaluateFunction(modelParams(model), forward, data, options as EvaluateWithReportOptions);
}

// One training run in the worker: optimizer + schedule, penalties, augmentation, early stopping,
// monitors; and the transfer variant (cut, freeze, new head, discriminative learning rates).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { GradientTransformation, HyperParam, Penalty, TrainingListener } from '@trainkit/core';
import type { Dataset } from '@trainkit/data';
import type {
  activationProbe as ActivationProbeFn,
  monitor as MonitorFn,
} from '@trainkit/monitors';
import {
  adam,
  adamw,
  cosineDecay,
  linearWarmup,
  momentum,
  multiplyLearningRates,
  nesterov,
  oneCycle,
  rmsprop,
  sgd,
  stepDecay,
} from '@trainkit/optimizers';
import { augment, earlyStopping, l2, randomTranslate } from '@trainkit/regularizers';
import { accuracy, type Batch, fit, softmaxCrossEntropy } from '@trainkit/train';
import { freezeLayers, replaceHead } from '@trainkit/transfer';
import type { FromWorker, TrainConfig, TransferConfig } from './protocol';

export interface Deps {
  post: (m: FromWorker) => void;
  control: TrainingListener;
  recordSink: () => { write: (r: import('@trainkit/monitors').MonitorRecord) => void };
  monitor: typeof MonitorFn;
  activationProbe: typeof ActivationProbeFn;
}
interface Parts {
  train: Dataset;
  val: Dataset;
}

/** The first `n` examples as a new dataset. */
const head = (ds: Dataset, n: number) =>
  ds.subset(Array.from({ length: Math.min(n, ds.size) }, (_, i) => i));

export function learningRate(
  config: Pick<TrainConfig, 'schedule' | 'learningRate'>,
  total: number,
): HyperParam {
  const lr = config.learningRate;
  switch (config.schedule) {
    case 'constant':
      return lr;
    case 'step':
      return stepDecay({
        initialValue: lr,
        stepSize: Math.max(1, Math.floor(total / 3)),
        gamma: 0.1,
      });
    case 'cosine':
      return cosineDecay({ initialValue: lr, decaySteps: total });
    case 'warmup-cosine':
      return linearWarmup(cosineDecay({ initialValue: lr, decaySteps: total }), {
        warmupSteps: Math.max(1, Math.floor(total / 10)),
      });
    case 'one-cycle':
      return oneCycle({ maxValue: lr, totalSteps: Math.max(2, total) });
  }
}

export function optimizer(name: TrainConfig['optimizer'], lr: HyperParam): GradientTransformation {
  switch (name) {
    case 'sgd':
      return sgd({ learningRate: lr });
    case 'momentum':
      return momentum({ learningRate: lr, momentum: 0.9 });
    case 'nesterov':
      return nesterov({ learningRate: lr, momentum: 0.9 });
    case 'adam':
      return adam({ learningRate: lr });
    case 'adamw':
      return adamw({ learningRate: lr, weightDecay: 1e-4 });
    case 'rmsprop':
      return rmsprop({ learningRate: lr });
  }
}

function describe(model: tfl.LayersModel, deps: Deps) {
  deps.post({
    type: 'model',
    name: model.name,
    params: model.countParams(),
    layers: model.layers.map((l) => ({
      name: l.name,
      className: l.getClassName(),
      outputShape: JSON.stringify(l.outputShape).replace(/null/g, 'N'),
    })),
  });
}

async function run(
  model: tfl.LayersModel,
  parts: Parts,
  options: {
    trainSize: number;
    valSize: number;
    batchSize: number;
    epochs: number;
    every: number;
    seed: number;
    optimizer: GradientTransformation;
    penalties?: Penalty[];
    augment?: (x: tf.Tensor4D) => tf.Tensor4D;
    listeners?: TrainingListener[];
  },
  deps: Deps,
) {
  describe(model, deps);
  const train = head(parts.train, options.trainSize);
  const val = head(parts.val, options.valSize);
  const valData = val.toTensors();
  const probeX = tf.tidy(() => tf.slice(valData.x, 0, Math.min(32, val.size)));
  const probe = deps.activationProbe(model, probeX, { every: options.every });
  probeX.dispose();
  const mon = deps.monitor({
    every: options.every,
    histogramEvery: options.every,
    filtersEvery: options.every,
    activations: probe,
    sinks: [deps.recordSink()],
  });
  const aug = options.augment;
  const data = aug
    ? () =>
        (async function* () {
          for await (const b of train.batches(options.batchSize, {
            shuffle: true,
            rng: options.seed,
            keep: true,
          })) {
            const x = aug(b.x as tf.Tensor4D);
            b.x.dispose();
            yield { x, y: b.y } as Batch;
          }
        })()
    : train.toTensors();
  try {
    const result = await fit(model as unknown as Parameters<typeof fit>[0], data, {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
      optimizer: options.optimizer,
      epochs: options.epochs,
      batchSize: options.batchSize,
      rng: options.seed,
      validationData: valData,
      penalties: options.penalties ?? [],
      listeners: [mon, ...(options.listeners ?? []), deps.control],
      progress: false,
    });
    await mon.flush();
    return { model, ...(result.stopReason ? { stopReason: result.stopReason } : {}) };
  } finally {
    probe.dispose();
    tf.dispose([valData.x, valData.y]);
    if (!aug) tf.dispose([(data as Batch).x, (data as Batch).y]);
  }
}

/** Trains a model built from the page's settings. */
export async function trainModel(
  model: tfl.LayersModel,
  parts: Parts,
  config: TrainConfig,
  deps: Deps,
) {
  const steps =
    Math.ceil(Math.min(config.trainSize, parts.train.size) / config.batchSize) * config.epochs;
  const listeners: TrainingListener[] = [];
  if (config.patience > 0)
    listeners.push(
      earlyStopping({ monitor: 'val_loss', patience: config.patience, restoreBestWeights: true }),
    );
  return run(
    model,
    parts,
    {
      trainSize: config.trainSize,
      valSize: config.valSize,
      batchSize: config.batchSize,
      epochs: config.epochs,
      every: config.every,
      seed: config.seed,
      optimizer: optimizer(config.optimizer, learningRate(config, steps)),
      ...(config.l2 > 0 ? { penalties: [l2({ lambda: config.l2, convention: 'half' })] } : {}),
      ...(config.augment
        ? { augment: augment([randomTranslate({ heightFactor: 0.1, rng: config.seed })]) }
        : {}),
      listeners,
    },
    deps,
  );
}

/**
 * Transfer: keeps `base` up to `cutLayer`, freezes it up to `freezeUpTo`, puts a new logits head
 * on top and trains with the head at `learningRate` and the pretrained part at a tenth of it.
 */
export async function trainTransfer(
  base: tfl.LayersModel,
  parts: Parts,
  config: TransferConfig,
  deps: Deps,
) {
  for (const l of base.layers) l.trainable = true;
  if (config.freezeUpTo) freezeLayers(base, { to: config.freezeUpTo });
  const net = replaceHead(base, parts.train.numClasses, { cutAt: config.cutLayer, name: 'head' });
  const opt = multiplyLearningRates(
    { 'head_*/**': 1, '**': 0.1 },
    adam({ learningRate: config.learningRate }),
  );
  return run(net, parts, { ...config, every: 5, seed: 0, optimizer: opt }, deps);
}

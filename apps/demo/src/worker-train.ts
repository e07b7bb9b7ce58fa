// One training run in the worker: optimizer + schedule, penalties, augmentation, early stopping,
// monitors; and the transfer variant (cut, freeze, new head, discriminative learning rates).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  augmentPipelineSpec,
  fromSpec,
  optimizerSpec,
  regularizationSpecs,
  scheduleSpec,
} from '@trainkit/cli/components';
import type {
  GradientTransformation,
  HyperParam,
  Penalty,
  Serialized,
  TrainingListener,
} from '@trainkit/core';
import type { Dataset } from '@trainkit/data';
import type {
  activationProbe as ActivationProbeFn,
  monitor as MonitorFn,
} from '@trainkit/monitors';
import { adam, multiplyLearningRates } from '@trainkit/optimizers';
import type { Augmentation } from '@trainkit/regularizers';
import { earlyStopping } from '@trainkit/regularizers';
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

/** The spec of the page's learning rate over a run of `total` steps (`perEpoch` per epoch). */
function learningRateSpec(
  config: Pick<TrainConfig, 'schedule' | 'learningRate'>,
  total: number,
  perEpoch = total,
): number | Serialized {
  return scheduleSpec(config.schedule, {
    learningRate: config.learningRate,
    totalSteps: total,
    stepsPerEpoch: perEpoch,
  });
}

/** The page's learning rate (a number, or a schedule over `total` steps) built from its spec. */
export function learningRate(
  config: Pick<TrainConfig, 'schedule' | 'learningRate'>,
  total: number,
  perEpoch = total,
): HyperParam {
  return fromSpec<HyperParam>(learningRateSpec(config, total, perEpoch));
}

/** The page's optimizer (AdamW with decay 1e-4) at learning rate `lr` (a number or a spec). */
export function optimizer(
  name: TrainConfig['optimizer'],
  lr: number | Serialized,
): GradientTransformation {
  return fromSpec<GradientTransformation>(
    optimizerSpec(name, { learningRate: lr, ...(name === 'adamw' ? { weightDecay: 1e-4 } : {}) }),
  );
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
    const result = await fit(model, data, {
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
  const perEpoch = Math.ceil(Math.min(config.trainSize, parts.train.size) / config.batchSize);
  const steps = perEpoch * config.epochs;
  const regularization = regularizationSpecs({ l2: config.l2 });
  // The page's augmentation is the CLI's `translate` (random shifts of up to 10%).
  const augmentSpec = config.augment ? augmentPipelineSpec(['translate'], config.seed) : undefined;
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
      optimizer: optimizer(config.optimizer, learningRateSpec(config, steps, perEpoch)),
      penalties: regularization.penalties.map((p) => fromSpec<Penalty>(p)),
      ...(augmentSpec ? { augment: fromSpec<Augmentation>(augmentSpec) } : {}),
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

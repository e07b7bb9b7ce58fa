// The training worker: owns tfjs, the model and the data; trains with @trainkit/train and posts
// @trainkit/monitors records to the page, which only draws. Start / pause / resume / stop.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { registerArchitectureLayers } from '@trainkit/architectures';
import { registerBatchNormalization } from '@trainkit/batchnorm';
import { isTrainkitError, ShapeError, type TrainingListener } from '@trainkit/core';
import { Dataset, pixelNormalization } from '@trainkit/data';
import { activationProbe, type MonitorRecord, monitor } from '@trainkit/monitors';
import { registerSeededDropout } from '@trainkit/regularizers';
import { listLayers, loadModel, recommendStrategy } from '@trainkit/transfer';
import { evaluateOn } from './evaluate';
import { captureModel, filesHandler } from './model-files';
import { buildModel } from './models';
import type { DatasetMessage, FromWorker, ToWorker } from './protocol';
import { pickBackend } from './worker-backend';
import { trainModel, trainTransfer } from './worker-train';

const post = (m: FromWorker, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(m, transfer);

registerBatchNormalization();
registerSeededDropout();
registerArchitectureLayers();

/** What the worker holds between messages. */
const state: {
  data?: { train: Dataset; val: Dataset; message: DatasetMessage };
  model?: tfl.LayersModel;
  transferBase?: tfl.LayersModel;
  /** The current model shares layers with `transferBase`: dropping it must not dispose them. */
  modelShared?: boolean;
  paused: boolean;
  resume?: () => void;
  stop: boolean;
  /** The last step that ended (the page is told where a pause or stop took effect). */
  lastStep?: number;
  busy: boolean;
  /** Validation examples of the last run (a reloaded model is evaluated on the same ones). */
  valSize: number;
} = { paused: false, stop: false, busy: false, valSize: 500 };

/** Pause / stop between steps; yields a macrotask each step so control messages get through. */
export const control: TrainingListener = {
  async onBatchEnd(e) {
    state.lastStep = e.step;
    await new Promise((r) => setTimeout(r, 0));
    if (state.paused) {
      post({ type: 'state', state: 'paused', step: e.step });
      await new Promise<void>((r) => {
        state.resume = r;
      });
      post({ type: 'state', state: 'training', step: e.step });
    }
    if (state.stop) e.stopTraining('stopped by the user');
  },
};

export function recordSink() {
  return { write: (record: MonitorRecord) => post({ type: 'record', record }) };
}

function prepare(message: DatasetMessage) {
  const { shape, numClasses, classNames } = message;
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1))
    throw new ShapeError('images must be [height, width, channels]', {
      argument: 'dataset',
      received: shape,
    });
  const make = (p: { x: Uint8Array; y: Int32Array }) =>
    new Dataset({ x: p.x, y: p.y, shape, numClasses, classNames });
  const all = make(message.train).shuffle(0);
  let train = all;
  let val: Dataset;
  if (message.test) val = make(message.test).shuffle(1);
  else {
    const nVal = Math.max(1, Math.round(all.size * 0.15));
    val = all.subset(Array.from({ length: nVal }, (_, i) => all.size - nVal + i));
    train = all.subset(Array.from({ length: all.size - nVal }, (_, i) => i));
  }
  const unit = pixelNormalization({ mode: 'unit' });
  return { train: train.normalize(unit), val: val.normalize(unit) };
}

function dropModel() {
  if (!state.modelShared) state.model?.dispose();
  state.model = undefined;
  state.modelShared = false;
}

function report(context: string, e: unknown) {
  const err = e as Error;
  post({
    type: 'error',
    context,
    message: err?.message ?? String(e),
    ...(isTrainkitError(e) ? { code: e.code } : {}),
  });
}

function checkInput(model: tfl.LayersModel, data: DatasetMessage) {
  const want = model.inputs[0]!.shape.slice(1);
  if (want.length !== 3 || want.some((d, i) => d !== null && d !== data.shape[i]))
    throw new ShapeError('the model does not take images of this dataset', {
      argument: 'model input',
      expected: `[${want.join(', ')}] (the model's input without the batch)`,
      receivedText: `dataset images [${data.shape.join(', ')}]`,
    });
}

async function handle(m: ToWorker) {
  switch (m.type) {
    case 'init': {
      const { info, adapter } = await pickBackend(m.backend, m.wasmBase);
      post(adapter === undefined ? { type: 'backend', info } : { type: 'backend', info, adapter });
      return;
    }
    case 'dataset': {
      const p = prepare(m.dataset);
      state.data = { train: p.train, val: p.val, message: m.dataset };
      post({ type: 'dataset-ready', trainSize: p.train.size, valSize: p.val.size });
      return;
    }
    case 'pause':
      state.paused = true;
      return;
    case 'resume':
      state.paused = false;
      state.resume?.();
      state.resume = undefined;
      return;
    case 'stop':
      state.stop = true;
      state.paused = false;
      state.resume?.();
      state.resume = undefined;
      post({
        type: 'state',
        state: 'stopping',
        ...(state.lastStep !== undefined ? { step: state.lastStep } : {}),
      });
      return;
    case 'train':
    case 'transfer-train': {
      if (state.busy) throw new Error('a training run is already going; stop it first');
      const data = state.data;
      if (!data) throw new Error('no dataset loaded yet');
      state.busy = true;
      state.paused = false;
      state.stop = false;
      state.lastStep = undefined;
      try {
        dropModel();
        post({ type: 'state', state: 'training', step: 0 });
        const deps = { post, control, recordSink, monitor, activationProbe };
        let result: { model: tfl.LayersModel; stopReason?: string };
        if (m.type === 'train') {
          const model = buildModel(m.config, data.message.shape, data.message.numClasses);
          state.model = model;
          result = await trainModel(model, data, m.config, deps);
        } else {
          if (!state.transferBase) throw new Error('load a pretrained model first');
          checkInput(state.transferBase, data.message);
          result = await trainTransfer(state.transferBase, data, m.config, deps);
          state.model = result.model;
          state.modelShared = true;
        }
        state.valSize = m.config.valSize;
        const evaluation = await evaluateOn(result.model, data.val, m.config.valSize);
        post({
          type: 'evaluation',
          evaluation,
          source: m.type === 'train' ? 'trained' : 'transfer',
        });
        post({
          type: 'state',
          state: 'done',
          ...(result.stopReason ? { reason: result.stopReason } : {}),
          tensors: tf.memory().numTensors,
        });
      } catch (e) {
        post({ type: 'state', state: 'idle' });
        throw e;
      } finally {
        state.busy = false;
      }
      return;
    }
    case 'save': {
      if (!state.model) throw new Error('no trained model to save yet');
      await state.model.save(
        captureModel((files) =>
          post(
            { type: 'saved', files },
            files.weights.map((w) => w.data),
          ),
        ),
      );
      return;
    }
    case 'reload': {
      const model = await loadModel(filesHandler(m.files));
      if (state.data) checkInput(model, state.data.message);
      if (state.busy) throw new Error('wait for the training run to end before reloading');
      dropModel();
      state.model = model;
      if (state.data) {
        const evaluation = await evaluateOn(model, state.data.val, state.valSize);
        post({ type: 'evaluation', evaluation, source: 'reloaded' });
      }
      return;
    }
    case 'transfer-load': {
      const model = await loadModel(filesHandler(m.files));
      if (state.modelShared) state.model = undefined; // its layers go with the old base
      state.modelShared = false;
      state.transferBase?.dispose();
      state.transferBase = model;
      const perClass = state.data
        ? Math.max(1, Math.floor(state.data.train.size / state.data.train.numClasses))
        : 100;
      const plan = recommendStrategy({ targetSize: perClass, similarity: 'similar', model });
      post({
        type: 'transfer-model',
        layers: listLayers(model),
        plan,
        inputShape: model.inputs[0]!.shape,
      });
      return;
    }
  }
}

// Messages run one after another, except the controls, which must reach a running training.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  const run = () => handle(m).catch((e) => report(m.type === 'init' ? 'backend' : m.type, e));
  if (m.type === 'pause' || m.type === 'resume' || m.type === 'stop') void run();
  else queue = queue.then(run);
};

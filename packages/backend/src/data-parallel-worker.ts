// One replica of createDataParallelTrainer: its own tfjs engine and backend in a worker thread.
// Loop: wait for SEQ to move, load the shared weights, compute the gradients of its shard,
// write them (and its BN moving statistics and loss) to shared memory, bump DONE.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  CMD,
  CMD_STOP,
  DONE,
  loadInto,
  modelWeights,
  packInto,
  type ReplicaBuild,
  SEQ,
  SHARD_OFFSET,
  SHARD_SIZE,
  type ShardLoss,
  type WorkerInit,
} from './data-parallel-layout';
import { installFastKernels } from './install-fast-kernels';

const init = workerData as WorkerInit;
const control = new Int32Array(init.control);

async function exported(module: string, name: string): Promise<(args?: unknown) => unknown> {
  const mod = (await import(module)) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`${module} has no function export "${name}"`);
  return fn as (args?: unknown) => unknown;
}

async function start(): Promise<{ model: tfl.LayersModel; loss: ShardLoss }> {
  if (init.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else await import('@tensorflow/tfjs-backend-cpu');
  installFastKernels(init.backend);
  if (!(await tf.setBackend(init.backend))) throw new Error(`backend ${init.backend} failed`);
  for (const s of init.setup) await (await exported(s.module, s.export))();
  const built = (await (
    await exported(init.module, init.exportName)
  )(init.args)) as ReplicaBuild<tfl.LayersModel>;
  const model = built instanceof tfl.LayersModel ? built : built?.model;
  if (!(model instanceof tfl.LayersModel)) {
    throw new Error(`"${init.exportName}" did not return a tfjs-layers model`);
  }
  const loss = built instanceof tfl.LayersModel ? undefined : built.loss;
  if (typeof loss !== 'function') {
    throw new Error(
      `"${init.exportName}" returned no loss: return { model, loss } (e.g. a @trainkit/train loss)`,
    );
  }
  return { model, loss };
}

function run(model: tfl.LayersModel, loss: ShardLoss): void {
  const { vars, trainableCount } = modelWeights(model);
  const shapes = vars.map((v) => v.shape);
  if (JSON.stringify(shapes) !== JSON.stringify(init.weightShapes)) {
    throw new Error(
      `the replica's weights ${JSON.stringify(shapes)} differ from the model's ${JSON.stringify(init.weightShapes)}`,
    );
  }
  const trainable = vars.slice(0, trainableCount);
  const weights = new Float32Array(init.weights);
  const out = new Float32Array(init.out);
  const xs = new Float32Array(init.x);
  const ys = new Float32Array(init.y);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, SEQ, seen);
    seen = Atomics.load(control, SEQ);
    if (Atomics.load(control, CMD) === CMD_STOP) return;
    const offset = Atomics.load(control, SHARD_OFFSET(init.index));
    const n = Atomics.load(control, SHARD_SIZE(init.index));
    if (n === 0) {
      // Nothing to compute this step (a batch smaller than the replicas): main ignores it.
      Atomics.store(control, DONE(init.index), seen);
      Atomics.notify(control, DONE(init.index));
      continue;
    }
    loadInto(vars, weights);
    tf.tidy(() => {
      const x = tf.tensor(xs.slice(offset * init.xSize, (offset + n) * init.xSize), [
        n,
        ...init.xShape,
      ]);
      const y = tf.tensor(
        ys.slice(offset * init.ySize, (offset + n) * init.ySize),
        [n, ...init.yShape],
        init.yDtype,
      );
      let pred: tf.Tensor | undefined;
      const f = () => {
        // kept past variableGrads' own forward tidy; disposed below
        pred = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
        return loss(y, pred);
      };
      const { value, grads } = tf.variableGrads(f, trainable);
      const end = packInto(
        trainable.map((v) => grads[v.name] as tf.Tensor),
        out,
      );
      const stats = packInto(vars.slice(trainableCount), out, end);
      out[stats] = value.dataSync()[0] as number;
      out.set(pred?.dataSync() as Float32Array, stats + 1);
      pred?.dispose();
    });
    Atomics.store(control, DONE(init.index), seen);
    Atomics.notify(control, DONE(init.index));
  }
}

function fail(e: unknown): void {
  const text = new TextEncoder().encode((e as Error)?.stack ?? String(e));
  new Uint8Array(init.error).set(text.subarray(0, init.error.byteLength));
  Atomics.store(control, DONE(init.index), -1);
  Atomics.notify(control, DONE(init.index));
}

start()
  .then(({ model, loss }) => {
    parentPort?.postMessage({ ready: true });
    try {
      run(model, loss);
    } catch (e) {
      fail(e);
    }
  })
  .catch((e) => {
    fail(e);
    parentPort?.postMessage({ ready: false, error: (e as Error)?.message ?? String(e) });
  });

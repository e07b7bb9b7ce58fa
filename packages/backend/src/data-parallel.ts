import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  assertOneOf,
  assertPositiveInt,
  ConfigError,
  type GradientTransformation,
  type Params,
  ShapeError,
  StateError,
  ValueRangeError,
} from '@trainkit/core';
import { OptimizerState } from '@trainkit/optimizers';
import {
  CMD,
  CMD_STEP,
  CMD_STOP,
  controlWords,
  DONE,
  ERROR_BYTES,
  modelWeights,
  packInto,
  SEQ,
  SHARD_OFFSET,
  SHARD_SIZE,
  type ShardLoss,
  sizeOf,
  type WorkerInit,
} from './data-parallel-layout';

export interface DataParallelOptions {
  /** The main thread's replica: it holds the master weights, which the optimizer updates. */
  model: tfl.LayersModel;
  /**
   * How each worker builds its replica: a module (absolute path or `file:` URL) and the name
   * of an export that returns (or resolves to) a tfjs-layers model of the same architecture,
   * or `{ model, loss }` with the loss each shard minimises (its mean over the shard).
   * The export is called with `args` (structured-cloned). Initial weights do not matter: every
   * replica loads the main model's weights each step. A worker needs the loss: an export that
   * returns a bare model is refused (`@trainkit/train` builds its replicas this way with its own
   * losses, so every engine minimises the same definition).
   */
  replica: { module: string | URL; export: string; args?: unknown };
  /** Modules each worker imports, calling the named export, before it builds its replica (e.g. to register custom layers). */
  setup?: { module: string | URL; export: string }[];
  /**
   * The loss of the main thread's shard in {@link DataParallelTrainer.step} (the same as the
   * replica export's: a `@trainkit/train` loss such as `softmaxCrossEntropy()`).
   */
  loss?: ShardLoss;
  /**
   * Applied once per step, on the main thread, to the batch-mean gradient
   * ({@link DataParallelTrainer.step} only): any trainkit transformation (`sgd(...)`, `adam(...)`),
   * its state owned by an `OptimizerState` keyed by the model's Variable names.
   */
  optimizer?: GradientTransformation;
  /** The largest batch {@link DataParallelTrainer.step} will be given (sizes shared memory). */
  batchSize: number;
  /** Engines computing a step, the main thread included (default 2: main + one worker). */
  replicas?: number;
  /** Backend of the worker engines (default `'wasm'`, with trainkit's kernels). */
  backend?: 'wasm' | 'cpu';
  /** A step fails with `StateError` when a worker takes longer than this (default 10 min). */
  stepTimeoutMs?: number;
  /** Per-example shape and dtype of the targets (default: the model output's shape, float32). */
  target?: { shape: number[]; dtype?: 'float32' | 'int32' };
}

/** What the workers computed on their shards ({@link DataParallelTrainer.finishShards}). */
export interface ShardResults {
  /** Examples the workers took (the batch minus the main thread's first `own`). */
  count: number;
  /**
   * Sum over the workers' shards of (shard size / batch size) x the shard-mean gradient, per
   * trainable weight (tfjs Variable name). Add the main shard's part to get the batch-mean gradient.
   */
  grads: tf.NamedTensorMap;
  /** The same weighted sum of the workers' non-trainable weights (BN moving statistics), in model order. */
  stats: tf.Tensor[];
  /** Sum over the workers' shards of shard size x shard-mean loss. */
  lossSum: number;
  /** The workers' predictions, in batch order: [count, ...output]. */
  predictions: tf.Tensor;
}

export interface DataParallelTrainer {
  /** Engines per step, the main thread included. */
  readonly replicas: number;
  /**
   * One optimizer step on the batch (x: [n, ...input], y: [n, ...output], n >= replicas):
   * the batch is split into `replicas` contiguous shards, each engine computes the gradient
   * of its shard's mean loss, the gradients are averaged weighted by shard size (= the
   * gradient of the batch-mean loss), and the optimizer updates the main model once.
   * Returns the batch-mean loss. Blocks the main thread until every shard is done.
   * Needs `optimizer` and `loss`.
   */
  step(x: tf.Tensor, y: tf.Tensor): number;
  /**
   * The lower-level half of a step, for loops that apply their own update: shares the main
   * model's weights (all of them, BN statistics included) and the batch, and starts the
   * workers on the examples after the first `own` (split into contiguous shards), without
   * waiting. The caller computes the first `own` examples itself, then calls {@link finishShards}.
   * Returns `own` (lowered to the batch size when larger).
   */
  startShards(x: tf.Tensor, y: tf.Tensor, own: number): number;
  /** Waits for the shards {@link startShards} started; the tensors are the caller's to dispose. */
  finishShards(): ShardResults;
  /** The main thread's share of a batch of `n` (contiguous shards of near-equal size). */
  ownShare(n: number): number;
  /** Stops the workers. The main model stays usable. */
  dispose(): Promise<void>;
}

// Builds ship a .js/.cjs worker beside the bundle. From source (tests, tsx) the worker is
// TypeScript: a small eval'd script registers tsx's loader in the thread, then imports it
// (Node 20 ignores `--import tsx` for a worker's own entry file).
function startWorker(workerData: WorkerInit): Worker {
  const here = import.meta.url;
  const ext = here.endsWith('.ts') ? '.ts' : here.endsWith('.cjs') ? '.cjs' : '.js';
  const url = new URL(`./data-parallel-worker${ext}`, here);
  if (ext !== '.ts') return new Worker(url, { workerData });
  const tsxLoader = createRequire(here).resolve('tsx');
  const api = pathToFileURL(tsxLoader.replace(/loader\.mjs$/, 'esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, workerData, execArgv: ['--conditions=@trainkit/source'] });
}

const moduleHref = (m: string | URL) =>
  m instanceof URL ? m.href : m.startsWith('file:') ? m : pathToFileURL(m).href;

/**
 * Data-parallel training over worker_threads (Node): `replicas - 1` workers, each with its own
 * tfjs engine, wasm backend and trainkit kernels, plus the main thread, split every batch.
 * Gradients come back through SharedArrayBuffers and the new weights go out the same way, so
 * all replicas start each step bit-identical; synchronisation is Atomics.wait/notify (no
 * message per step).
 *
 * Batch normalization: each replica normalizes with its own shard's statistics (as PyTorch
 * DDP without SyncBatchNorm), so with BN a step differs slightly from a single-engine step
 * on the whole batch; the moving mean and variance are averaged over replicas (weighted by
 * shard size) after each step and shared, so they stay identical everywhere.
 *
 * @example
 * const model = lenet5();
 * const trainer = await createDataParallelTrainer({
 *   model, replica: { module: '/abs/path/models.js', export: 'lenet5' },
 *   loss: softmaxCrossEntropy(), optimizer: sgd({ learningRate: 0.01 }), batchSize: 64,
 * });
 * const loss = trainer.step(xs, ys);
 * await trainer.dispose();
 */
export async function createDataParallelTrainer(
  options: DataParallelOptions,
): Promise<DataParallelTrainer> {
  const { model } = options;
  const replicas = assertPositiveInt('replicas', options.replicas ?? 2);
  const batchSize = assertPositiveInt('batchSize', options.batchSize);
  const backend = options.backend ?? 'wasm';
  assertOneOf('backend', backend, ['wasm', 'cpu'] as const);
  if (options.loss !== undefined && typeof options.loss !== 'function') {
    throw new ConfigError('the loss must be a function', {
      argument: 'loss',
      expected: '(yTrue, yPred) => scalar (e.g. softmaxCrossEntropy() from @trainkit/train)',
      received: options.loss,
    });
  }
  const optimizer = options.optimizer;
  if (optimizer !== undefined && typeof optimizer?.update !== 'function') {
    throw new ConfigError('not a gradient transformation', {
      argument: 'optimizer',
      expected: 'a GradientTransformation (e.g. sgd({ learningRate: 0.01 }))',
      received: optimizer,
    });
  }
  // The optimizer's state, made at the first step (keyed by Variable name).
  let owner: OptimizerState | undefined;
  const timeoutMs = options.stepTimeoutMs ?? 600_000;
  if (batchSize < replicas) {
    throw new ValueRangeError('every replica needs at least one example', {
      argument: 'batchSize',
      expected: `>= replicas (${replicas})`,
      received: batchSize,
    });
  }
  const xShape = (model.inputs[0]?.shape ?? []).slice(1) as number[];
  const predShape = (model.outputs[0]?.shape ?? []).slice(1) as number[];
  const yShape = options.target?.shape ?? predShape;
  const yDtype = options.target?.dtype ?? 'float32';
  if (
    model.inputs.length !== 1 ||
    model.outputs.length !== 1 ||
    [...xShape, ...predShape, ...yShape].some((d) => !(d > 0))
  ) {
    throw new ConfigError('data-parallel training needs one input and one output of fixed shape', {
      argument: 'model',
      expected: 'a single-input, single-output model with fully defined shapes',
      receivedText: `inputs ${JSON.stringify(model.inputs.map((i) => i.shape))}, outputs ${JSON.stringify(model.outputs.map((o) => o.shape))}`,
    });
  }
  const xSize = sizeOf(xShape);
  const ySize = sizeOf(yShape);
  const predSize = sizeOf(predShape);
  const { vars, trainableCount } = modelWeights(model);
  const trainable = vars.slice(0, trainableCount);
  const stats = vars.slice(trainableCount);
  const weightsTotal = vars.reduce((a, v) => a + v.size, 0);
  const gradTotal = trainable.reduce((a, v) => a + v.size, 0);

  const workers = replicas - 1;
  const control = new Int32Array(new SharedArrayBuffer(4 * controlWords(workers)));
  const xShared = new Float32Array(new SharedArrayBuffer(4 * batchSize * xSize));
  const yShared = new Float32Array(new SharedArrayBuffer(4 * batchSize * ySize));
  const weights = new Float32Array(new SharedArrayBuffer(4 * weightsTotal));
  const outs: Float32Array[] = [];
  const errors: Uint8Array[] = [];
  const threads: Worker[] = [];
  const started: Promise<void>[] = [];
  for (let i = 0; i < workers; i++) {
    const out = new Float32Array(
      new SharedArrayBuffer(4 * (weightsTotal + 1 + batchSize * predSize)),
    );
    const error = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
    outs.push(out);
    errors.push(error);
    const init: WorkerInit = {
      index: i,
      module: moduleHref(options.replica.module),
      exportName: options.replica.export,
      ...(options.replica.args === undefined ? {} : { args: options.replica.args }),
      setup: (options.setup ?? []).map((s) => ({ module: moduleHref(s.module), export: s.export })),
      backend,
      xSize,
      ySize,
      predSize,
      xShape,
      yShape,
      yDtype,
      control: control.buffer as SharedArrayBuffer,
      error: error.buffer as SharedArrayBuffer,
      x: xShared.buffer as SharedArrayBuffer,
      y: yShared.buffer as SharedArrayBuffer,
      weights: weights.buffer as SharedArrayBuffer,
      out: out.buffer as SharedArrayBuffer,
      weightShapes: vars.map((v) => v.shape),
      trainableCount,
    };
    const worker = startWorker(init);
    threads.push(worker);
    started.push(
      new Promise((resolve, reject) => {
        worker.once('message', (m: { ready: boolean; error?: string }) =>
          m.ready ? resolve() : reject(new Error(m.error)),
        );
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
      }),
    );
  }
  try {
    await Promise.all(started);
  } catch (e) {
    await Promise.all(threads.map((t) => t.terminate()));
    throw new ConfigError('a data-parallel worker could not start', {
      argument: 'replica',
      expected: `a module whose export "${options.replica.export}" builds the model`,
      receivedText: (e as Error).message,
      cause: e,
    });
  }
  for (const t of threads) t.removeAllListeners();

  let seq = 0;
  let disposed = false;
  const workerError = (i: number) =>
    new TextDecoder().decode((errors[i] as Uint8Array).slice()).replace(/\0+$/, '');
  const waitFor = (i: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = Atomics.load(control, DONE(i));
      if (done === seq) return;
      if (done === -1) {
        throw new StateError(`data-parallel worker ${i + 1} failed: ${workerError(i)}`);
      }
      if (Date.now() > deadline) {
        throw new StateError(`data-parallel worker ${i + 1} took over ${timeoutMs} ms`);
      }
      Atomics.wait(control, DONE(i), done, 1000);
    }
  };

  const checkBatch = (x: tf.Tensor, y: tf.Tensor, min: number): number => {
    if (disposed) throw new StateError('the data-parallel trainer was disposed');
    const n = x.shape[0] ?? 0;
    if (x.rank !== xShape.length + 1 || x.shape.slice(1).join() !== xShape.join()) {
      throw new ShapeError('x does not fit the model input', {
        argument: 'x',
        expected: `shape [n, ${xShape.join(', ')}]`,
        received: x.shape,
      });
    }
    if (y.shape.join() !== [n, ...yShape].join()) {
      throw new ShapeError('y does not fit the model output', {
        argument: 'y',
        expected: `shape [${[n, ...yShape].join(', ')}]`,
        received: y.shape,
      });
    }
    if (n < min || n > batchSize) {
      throw new ValueRangeError('batch size out of range', {
        argument: 'x',
        expected: `between ${min} and ${batchSize} (batchSize) examples`,
        received: n,
      });
    }
    return n;
  };
  // Contiguous shards of near-equal size; the first is the main thread's.
  const shardSizes = (n: number) =>
    Array.from(
      { length: replicas },
      (_, r) => Math.floor(n / replicas) + (r < n % replicas ? 1 : 0),
    );
  const ownShare = (n: number) => shardSizes(n)[0] as number;

  let inFlight: { n: number; own: number; sizes: number[] } | undefined;
  const startShards = (x: tf.Tensor, y: tf.Tensor, ownWanted: number): number => {
    if (inFlight) throw new StateError('startShards called twice without finishShards');
    const n = checkBatch(x, y, 1);
    const own = Math.max(0, Math.min(n, Math.floor(ownWanted)));
    const rest = n - own;
    const sizes = Array.from(
      { length: workers },
      (_, i) => Math.floor(rest / workers) + (i < rest % workers ? 1 : 0),
    );
    if (rest > 0) {
      const xv = x.dataSync() as Float32Array;
      const yv = y.dataSync();
      xShared.set(xv.subarray(own * xSize), own * xSize);
      yShared.set(yv.subarray(own * ySize), own * ySize);
    }
    let offset = own;
    for (let i = 0; i < workers; i++) {
      control[SHARD_OFFSET(i)] = offset;
      control[SHARD_SIZE(i)] = sizes[i] as number;
      offset += sizes[i] as number;
    }
    // Shared at the start of each step, so changes made to the main model between steps
    // (setWeights, a checkpoint, another optimizer) reach every replica.
    if (rest > 0) packInto(vars, weights);
    control[CMD] = CMD_STEP;
    seq += 1;
    Atomics.store(control, SEQ, seq);
    Atomics.notify(control, SEQ);
    inFlight = { n, own, sizes };
    return own;
  };

  const finishShards = (): ShardResults => {
    if (!inFlight) throw new StateError('finishShards called before startShards');
    const { n, own, sizes } = inFlight;
    inFlight = undefined;
    for (let i = 0; i < workers; i++) waitFor(i);
    const count = n - own;
    // Weighted sums in JavaScript: one upload per variable, no kernel per shard and variable.
    const weighted = (off: number, size: number): Float32Array => {
      const sum = new Float32Array(size);
      for (let i = 0; i < workers; i++) {
        const s = sizes[i] as number;
        if (s === 0) continue;
        const part = outs[i] as Float32Array;
        const w = s / n;
        for (let k = 0; k < size; k++) sum[k] = (sum[k] as number) + w * (part[off + k] as number);
      }
      return sum;
    };
    const grads: tf.NamedTensorMap = {};
    let off = 0;
    for (const v of trainable) {
      grads[v.name] = tf.tensor(weighted(off, v.size), v.shape);
      off += v.size;
    }
    const statsOut: tf.Tensor[] = [];
    off = gradTotal;
    for (const v of stats) {
      statsOut.push(tf.tensor(weighted(off, v.size), v.shape));
      off += v.size;
    }
    let lossSum = 0;
    const preds = new Float32Array(count * predSize);
    let at = 0;
    for (let i = 0; i < workers; i++) {
      const s = sizes[i] as number;
      if (s === 0) continue;
      const part = outs[i] as Float32Array;
      lossSum += s * (part[weightsTotal] as number);
      preds.set(part.subarray(weightsTotal + 1, weightsTotal + 1 + s * predSize), at);
      at += s * predSize;
    }
    return {
      count,
      grads,
      stats: statsOut,
      lossSum,
      predictions: tf.tensor(preds, [count, ...predShape]),
    };
  };

  const step = (x: tf.Tensor, y: tf.Tensor): number => {
    const loss = options.loss;
    if (optimizer === undefined || loss === undefined) {
      throw new ConfigError('step() needs an optimizer and a loss', {
        argument: 'options',
        expected: 'createDataParallelTrainer({ optimizer, loss, ... })',
        received: {
          optimizer: optimizer === undefined ? 'none' : 'set',
          loss: loss === undefined ? 'none' : 'set',
        },
      });
    }
    const n = checkBatch(x, y, replicas);
    const n0 = startShards(x, y, ownShare(n));
    const mine = tf.tidy(() => {
      const x0 = tf.slice(x, 0, n0);
      const y0 = tf.slice(y, 0, n0);
      const f = () => loss(y0, model.apply(x0, { training: true }) as tf.Tensor);
      return tf.variableGrads(f, trainable);
    });
    const rest = finishShards();
    const value = (n0 * (mine.value.dataSync()[0] as number) + rest.lossSum) / n;
    // Batch-mean gradient = (n0 / n) x the main shard's mean gradient + the workers' part; the
    // moving statistics (BN) likewise, as the shard-size-weighted mean over replicas.
    const grads = tf.tidy(() => {
      const g: tf.NamedTensorMap = {};
      for (const v of trainable) {
        g[v.name] = tf.add(
          tf.mul(mine.grads[v.name] as tf.Tensor, n0 / n),
          rest.grads[v.name] as tf.Tensor,
        );
      }
      stats.forEach((v, i) => {
        v.assign(tf.add(tf.mul(v, n0 / n), rest.stats[i] as tf.Tensor));
      });
      return g;
    });
    owner ??= new OptimizerState(
      optimizer,
      Object.fromEntries(trainable.map((v) => [v.name, v])) as Params,
    );
    owner.step(grads);
    tf.dispose([
      mine.value,
      ...Object.values(mine.grads),
      ...Object.values(grads),
      ...Object.values(rest.grads),
      ...rest.stats,
      rest.predictions,
    ]);
    return value;
  };

  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    owner?.dispose();
    owner = undefined;
    control[CMD] = CMD_STOP;
    Atomics.store(control, SEQ, seq + 1);
    Atomics.notify(control, SEQ);
    await Promise.all(
      threads.map(
        (t) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void t.terminate(), 5000);
            t.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  };
  return { replicas, step, startShards, finishShards, ownShare, dispose };
}

// @trainkit/preprocess/node: Node-only helpers (worker threads). The browser path never imports this file.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { assertNumber, ConfigError, StateError } from '@trainkit/core';
import {
  type CenteredRows,
  kernelRows,
  type Project,
  projectInline,
  type RowsEngine,
  setRowsEngine,
} from './centered-rows';
import {
  Arena,
  DATA_AT,
  dataBytes,
  KernelRows,
  kernelModule,
  type Runner,
  type Work,
} from './kernels/engine';

export interface WorkerThreadsOptions {
  /** Worker threads, each holding a slice of the rows. Default: the available cores, at most 4. */
  threads?: number;
  /** Fits of fewer values (`n p`) stay on the calling thread, where waking workers would not pay. Default 2^18. */
  minValues?: number;
}

/** What {@link useWorkerThreads} returns: `close()` stops the workers and restores the default. */
export interface WorkerThreads {
  readonly threads: number;
  close(): Promise<void>;
}

/**
 * Runs one-shot `fit`s (PCA, Whiten) and large `transform`s on worker threads: the data is read
 * once into a shared WebAssembly memory, and the workers run preprocess's wasm SIMD kernels on
 * chunks of its rows, first come, first served (column moments, centring, `Xc^T Xc`,
 * `Xc^T (Xc Z)`, `(X - mean) W`: sums over rows, so only small float64 partial results are
 * added up here). The fit API stays
 * synchronous: the calling thread blocks in `Atomics.wait` while the workers run. The memory is
 * kept between fits (a fresh 100 MB+ allocation per fit costs page faults) until `close()`. Fits
 * of fewer than `minValues` values stay on the calling thread.
 *
 * @example
 * import { useWorkerThreads } from '@trainkit/preprocess/node';
 * const workers = useWorkerThreads({ threads: 2 });
 * const pca = new PCA({ nComponents: 50, whiten: true }).fit(x); // both cores
 * await workers.close();
 */
export function useWorkerThreads(options: WorkerThreadsOptions = {}): WorkerThreads {
  const threads = assertNumber(
    'threads',
    options.threads ?? Math.min(4, Math.max(1, availableParallelism())),
    { min: 1, integer: true },
  );
  const minValues = assertNumber('minValues', options.minValues ?? 1 << 18, { min: 0 });
  const pool = new Pool(threads, minValues);
  setRowsEngine(pool.engine);
  return {
    threads,
    close: async () => {
      setRowsEngine(undefined);
      await pool.close();
    },
  };
}

const IDLE = 0;
const DONE = 1;
const FAILED = 2;

/**
 * The worker: a CommonJS script (run with `eval`, so that it needs no loader in tsx or vitest)
 * that instantiates the kernels on the shared memory and runs the calls it is sent.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const control = new Int32Array(workerData.control);
const message = new Uint8Array(workerData.message);
function signal(state) { Atomics.store(control, 0, state); Atomics.notify(control, 0); }
function fail(e) {
  const bytes = Buffer.from(String((e && e.message) || e)).subarray(0, message.length - 4);
  new DataView(message.buffer).setInt32(0, bytes.length, true);
  message.set(bytes, 4);
  signal(${FAILED});
}
// The caller is blocked in Atomics.wait and cannot see 'error' events: report through the flag.
process.on('uncaughtException', fail);
try {
  const k = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } }).exports;
  const exec = (calls) => { for (const [fn, ...args] of calls) k[fn](...args); };
  const next = new Int32Array(workerData.next);
  parentPort.on('message', ({ each, chunks }) => {
    try {
      exec(each);
      // Chunks first come, first served: a thread slowed by other work takes fewer.
      for (let i = Atomics.add(next, 0, 1); i < chunks.length; i = Atomics.add(next, 0, 1)) exec(chunks[i]);
      signal(${DONE});
    } catch (e) { fail(e); }
  });
  signal(${DONE});
} catch (e) { fail(e); }
`;

interface Slot {
  worker: Worker;
  control: Int32Array;
  message: Uint8Array;
}

class Pool {
  private slots: Slot[] = [];
  /** The index of the next chunk to take, shared by the workers. */
  private readonly next = new Int32Array(new SharedArrayBuffer(4));
  private busy = false;
  private arena: Arena | undefined;

  constructor(
    readonly threads: number,
    readonly minValues: number,
  ) {
    this.run = Object.assign((work: Work) => this.runWork(work), { threads });
  }

  private memory(): Arena {
    if (this.arena) return this.arena;
    const module = kernelModule(true);
    if (!module) {
      throw new ConfigError('worker threads need WebAssembly SIMD and shared memory', {
        argument: 'useWorkerThreads',
        expected: 'a Node.js with WebAssembly SIMD and SharedArrayBuffer (Node >= 16.4)',
        receivedText: `Node.js ${process.version}`,
      });
    }
    this.arena = new Arena(module, true);
    return this.arena;
  }

  private start(): Slot[] {
    if (this.slots.length > 0) return this.slots;
    const arena = this.memory();
    for (let i = 0; i < this.threads; i++) {
      const control = new Int32Array(new SharedArrayBuffer(4));
      const message = new Uint8Array(new SharedArrayBuffer(4096));
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: arena.module,
          memory: arena.memory,
          next: this.next.buffer,
          control: control.buffer,
          message: message.buffer,
        },
      });
      worker.unref();
      this.slots.push({ worker, control, message });
    }
    for (const s of this.slots) this.wait(s);
    return this.slots;
  }

  /** Blocks until the slot's worker signals; rethrows its error. */
  private wait(s: Slot): void {
    while (Atomics.load(s.control, 0) === IDLE) Atomics.wait(s.control, 0, IDLE, 1000);
    if (Atomics.load(s.control, 0) === FAILED) {
      const length = new DataView(s.message.buffer).getInt32(0, true);
      const text = Buffer.from(s.message.subarray(4, 4 + length)).toString();
      const dead = this.slots;
      this.slots = [];
      for (const d of dead) void d.worker.terminate();
      throw new StateError(`a preprocess worker thread failed: ${text}`, {
        argument: 'useWorkerThreads',
        expected: 'worker threads running the preprocess kernels',
        receivedText: text,
      });
    }
  }

  /** Sends each worker its part of the work and waits for all. */
  private runWork(work: Work): void {
    const slots = this.start();
    Atomics.store(this.next, 0, 0);
    slots.forEach((s, t) => {
      Atomics.store(s.control, 0, IDLE);
      s.worker.postMessage({ each: work.each[t], chunks: work.chunks.map((c) => c[t]) });
    });
    for (const s of slots) this.wait(s);
  }

  private readonly run: Runner;

  /** The shared memory's data region, grown when needed and reused across fits. */
  private stage(values: number): Float32Array {
    if (values < this.minValues) return kernelRows.stage?.(values) ?? new Float32Array(values);
    const arena = this.memory();
    arena.ensure(dataBytes(values));
    return arena.f32(DATA_AT, values);
  }

  readonly engine: RowsEngine = Object.assign(
    (x: Float32Array, n: number, p: number) => this.load(x, n, p),
    {
      stage: (values: number) => this.stage(values),
      project: ((x, n, p, mean, w, q) => {
        if (n * p < this.minValues) return projectInline(x, n, p, mean, w, q);
        const rows = this.rowsOf(x, n, p);
        rows.centreWith(mean);
        return rows.project(w, q);
      }) as Project,
    },
  );

  /** The rows of `x` in the shared memory (copied there unless `x` is the staged data). */
  private rowsOf(x: Float32Array, n: number, p: number): KernelRows {
    if (this.busy)
      throw new StateError('worker threads are busy with another fit', {
        argument: 'fit',
        expected: 'one one-shot fit at a time per process',
      });
    const arena = this.memory();
    if (x.buffer !== arena.memory.buffer || x.byteOffset !== DATA_AT) {
      arena.ensure(dataBytes(n * p));
      arena.f32(DATA_AT, n * p).set(x.subarray(0, n * p));
    }
    return new KernelRows(arena, n, p, this.run);
  }

  private load(x: Float32Array, n: number, p: number): CenteredRows {
    if (n * p < this.minValues) return kernelRows(x, n, p);
    const rows = this.rowsOf(x, n, p);
    rows.centre('x');
    this.busy = true;
    return Object.assign(rows, {
      dispose: () => {
        this.busy = false;
      },
    });
  }

  async close(): Promise<void> {
    this.arena = undefined;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

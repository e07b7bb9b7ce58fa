// The worker-thread engine (Node only), exported from ./node.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { assertNumber, ConfigError, StateError } from '@trainkit/core';
import { Arena } from './kernels/arena';
import { kernelModule } from './kernels/module';
import type { KernelThreads, Runner, Work } from './kernels/runner';

export interface WorkerPoolOptions {
  /** Worker threads, each with its own instance of the kernels. Default: the available cores, at most 4. */
  threads?: number;
  /** The API that owns the pool, named in its errors (e.g. `'useWorkerThreads'`). Default `'WorkerPool'`. */
  name?: string;
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

/**
 * Worker threads running the wasm SIMD kernels over one shared WebAssembly memory (the
 * {@link KernelThreads} of `gemm` and of preprocess's fits). The memory (`arena()`) is created on
 * first use and kept, grown as needed, until `close()` (a fresh 100 MB+ allocation per product
 * costs page faults). `run(work)` is synchronous: each thread first runs its `each` calls, then
 * the threads take the `chunks` first come, first served, while the calling thread blocks in
 * `Atomics.wait`; a kernel error in a worker is rethrown here as a StateError. Workers start on
 * the first `run` and do not keep the process alive.
 *
 * @example
 * import { gemm } from '@trainkit/linalg';
 * import { WorkerPool } from '@trainkit/linalg/node';
 * const pool = new WorkerPool({ threads: 2 });
 * const c = gemm(a, b, { m: 4096, k: 784, n: 256 }, { threads: pool }); // both cores
 * await pool.close();
 */
export class WorkerPool implements KernelThreads {
  readonly threads: number;
  readonly run: Runner;
  private readonly name: string;
  private slots: Slot[] = [];
  /** The index of the next chunk to take, shared by the workers. */
  private readonly next = new Int32Array(new SharedArrayBuffer(4));
  private shared: Arena | undefined;

  constructor(options: WorkerPoolOptions = {}) {
    this.threads = assertNumber(
      'threads',
      options.threads ?? Math.min(4, Math.max(1, availableParallelism())),
      { min: 1, integer: true },
    );
    this.name = options.name ?? 'WorkerPool';
    this.run = Object.assign((work: Work) => this.runWork(work), { threads: this.threads });
  }

  /** The shared memory the workers' kernels address (created on first use). */
  arena(): Arena {
    if (this.shared) return this.shared;
    const module = kernelModule(true);
    if (!module) {
      throw new ConfigError('worker threads need WebAssembly SIMD and shared memory', {
        argument: this.name,
        expected: 'a Node.js with WebAssembly SIMD and SharedArrayBuffer (Node >= 16.4)',
        receivedText: `Node.js ${process.version}`,
      });
    }
    this.shared = new Arena(module, true);
    return this.shared;
  }

  private start(): Slot[] {
    if (this.slots.length > 0) return this.slots;
    const arena = this.arena();
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
      throw new StateError(`a linalg worker thread failed: ${text}`, {
        argument: this.name,
        expected: 'worker threads running the linalg kernels',
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

  /** Stops the workers and releases the shared memory. */
  async close(): Promise<void> {
    this.shared = undefined;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

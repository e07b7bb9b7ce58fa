// @trainkit/preprocess/node: Node-only helpers (worker threads). The browser path never imports this file.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { assertNumber, ConfigError, StateError } from '@trainkit/core';
import { backendRows, type CenteredRows, type RowsEngine, setRowsEngine } from './centered-rows';

export interface WorkerThreadsOptions {
  /** Worker threads, each holding a slice of the rows. Default: the available cores, at most 4. */
  threads?: number;
  /** Fits of fewer values (`n p`) stay on the tfjs backend, where starting workers would not pay. Default 2^18. */
  minValues?: number;
}

/** What {@link useWorkerThreads} returns: `close()` stops the workers and restores the default. */
export interface WorkerThreads {
  readonly threads: number;
  close(): Promise<void>;
}

/**
 * Runs the large products of one-shot `fit`s (PCA, Whiten) on worker threads, each with its own
 * tfjs wasm (XNNPACK) engine and a slice of the centred rows: `Xc^T Xc`, `Xc^T (Xc q)` and
 * `(Xc q)^T (Xc q)` are sums over row slices, so each worker computes its part and only small
 * `p x l` (or `p x p`) results come back, summed in float64. The fit API stays synchronous: the
 * calling thread blocks in `Atomics.wait` while the workers run. Needs
 * `@tensorflow/tfjs-backend-wasm` installed beside `@tensorflow/tfjs-core`. Fits of fewer than
 * `minValues` values stay on the tfjs backend.
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

/** The worker: a CommonJS script (run with `eval`) so that it needs no loader in tsx or vitest. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const tf = require(workerData.core);
require(workerData.wasm);
const control = new Int32Array(workerData.control);
const message = new Uint8Array(workerData.message);
let xc, xcT, out;
function signal(state) { Atomics.store(control, 0, state); Atomics.notify(control, 0); }
function fail(e) {
  const bytes = Buffer.from(String((e && e.message) || e)).subarray(0, message.length - 4);
  new DataView(message.buffer).setInt32(0, bytes.length, true);
  message.set(bytes, 4);
  signal(${FAILED});
}
function write(values, length) {
  const o = new Float64Array(out, 0, length);
  for (let i = 0; i < length; i++) o[i] = values[i];
}
function read(t) { const v = t.dataSync(); t.dispose(); return v; }
const handlers = {
  load(m) {
    out = m.out;
    tf.dispose([xc, xcT]);
    [xc, xcT] = tf.tidy(() => {
      const x = tf.tensor2d(new Float32Array(m.data, m.offset * 4, m.rows * m.p), [m.rows, m.p]);
      const c = tf.sub(x, tf.tensor1d(Float32Array.from(m.mean)));
      return [c, tf.transpose(c)];
    });
  },
  out(m) { out = m.out; },
  scatter() { write(read(tf.matMul(xcT, xc)), xc.shape[1] * xc.shape[1]); },
  times(m) {
    const z = tf.tidy(() => tf.matMul(xcT, tf.matMul(xc, tf.tensor2d(m.q, [xc.shape[1], m.l]))));
    write(read(z), xc.shape[1] * m.l);
  },
  gram(m) {
    const l = m.l;
    const y = read(tf.tidy(() => tf.matMul(xc, tf.tensor2d(m.q, [xc.shape[1], l]))));
    const g = new Float64Array(out, 0, l * l).fill(0);
    const n = xc.shape[0];
    for (let r = 0; r < n; r++) {
      const o = r * l;
      for (let i = 0; i < l; i++) {
        const yi = y[o + i];
        if (yi === 0) continue;
        const row = i * l;
        for (let j = i; j < l; j++) g[row + j] += yi * y[o + j];
      }
    }
    for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) g[i * l + j] = g[j * l + i];
  },
  free() { tf.dispose([xc, xcT]); xc = xcT = undefined; },
};
// The caller is blocked in Atomics.wait and cannot see 'error' events: report through the flag.
process.on('uncaughtException', fail);
parentPort.on('message', (m) => {
  try { handlers[m.cmd](m); signal(${DONE}); } catch (e) { fail(e); }
});
tf.setBackend('wasm').then((ok) => {
  if (!ok) throw new Error('the tfjs wasm backend did not start');
  return tf.ready();
}).then(() => signal(${DONE}), fail);
`;

interface Slot {
  worker: Worker;
  control: Int32Array;
  message: Uint8Array;
  out: SharedArrayBuffer | undefined;
}

class Pool {
  private slots: Slot[] = [];
  private busy = false;
  private staging: SharedArrayBuffer | undefined;

  constructor(
    readonly threads: number,
    readonly minValues: number,
  ) {}

  private start(): Slot[] {
    if (this.slots.length > 0) return this.slots;
    let core: string;
    let wasm: string;
    try {
      const require = createRequire(import.meta.url);
      core = require.resolve('@tensorflow/tfjs-core');
      wasm = require.resolve('@tensorflow/tfjs-backend-wasm');
    } catch (e) {
      throw new ConfigError('worker threads need @tensorflow/tfjs-backend-wasm', {
        argument: 'useWorkerThreads',
        expected: '@tensorflow/tfjs-core and @tensorflow/tfjs-backend-wasm installed',
        receivedText: String((e as Error).message),
      });
    }
    for (let i = 0; i < this.threads; i++) {
      const control = new Int32Array(new SharedArrayBuffer(4));
      const message = new Uint8Array(new SharedArrayBuffer(4096));
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { core, wasm, control: control.buffer, message: message.buffer },
      });
      worker.unref();
      this.slots.push({ worker, control, message, out: undefined });
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
      this.slots = [];
      throw new StateError(`a preprocess worker thread failed: ${text}`, {
        argument: 'useWorkerThreads',
        expected: 'worker threads running the tfjs wasm backend',
        receivedText: text,
      });
    }
  }

  /** Sends `message` (built per slot) to every worker and waits for all. */
  private all(build: (s: Slot, i: number) => Record<string, unknown>): Slot[] {
    const slots = this.start();
    slots.forEach((s, i) => {
      Atomics.store(s.control, 0, IDLE);
      s.worker.postMessage(build(s, i));
    });
    for (const s of slots) this.wait(s);
    return slots;
  }

  /** Sums the first `length` float64 outputs of the workers. */
  private sum(slots: Slot[], length: number): Float64Array {
    const total = new Float64Array(length);
    for (const s of slots) {
      const o = new Float64Array(s.out as SharedArrayBuffer, 0, length);
      for (let i = 0; i < length; i++) total[i] = total[i]! + o[i]!;
    }
    return total;
  }

  private ensureOut(length: number): void {
    const bytes = 8 * length;
    if (this.slots.every((s) => (s.out?.byteLength ?? 0) >= bytes)) return;
    this.all((s) => {
      if ((s.out?.byteLength ?? 0) < bytes) s.out = new SharedArrayBuffer(bytes);
      return { cmd: 'out', out: s.out };
    });
  }

  /** The shared buffer fits read their data into, grown when needed and reused. */
  private stage(values: number): Float32Array {
    if (values < this.minValues) return new Float32Array(values);
    if ((this.staging?.byteLength ?? 0) < 4 * values)
      this.staging = new SharedArrayBuffer(4 * values);
    return new Float32Array(this.staging as SharedArrayBuffer, 0, values);
  }

  readonly engine: RowsEngine = Object.assign(
    (x: Float32Array, n: number, p: number, mean: Float64Array) => this.load(x, n, p, mean),
    {
      stage: (values: number) => this.stage(values),
    },
  );

  private load(x: Float32Array, n: number, p: number, mean: Float64Array): CenteredRows {
    if (n * p < this.minValues) return backendRows(x, n, p, mean);
    if (this.busy)
      throw new StateError('worker threads are busy with another fit', {
        argument: 'fit',
        expected: 'one one-shot fit at a time per process',
      });
    const slots = this.start();
    const w = Math.min(slots.length, n);
    let data = x.buffer;
    if (!(data instanceof SharedArrayBuffer)) {
      data = new SharedArrayBuffer(4 * n * p);
      new Float32Array(data).set(x);
    }
    const bounds = Array.from({ length: w + 1 }, (_, i) => Math.round((i * n) / w));
    const used = slots.slice(0, w);
    const each = (build: (i: number) => Record<string, unknown>) => {
      for (const [i, s] of used.entries()) {
        Atomics.store(s.control, 0, IDLE);
        s.worker.postMessage(build(i));
      }
      for (const s of used) this.wait(s);
    };
    this.ensureOut(p);
    each((i) => ({
      cmd: 'load',
      data,
      offset: x.byteOffset / 4 + bounds[i]! * p,
      rows: bounds[i + 1]! - bounds[i]!,
      p,
      mean,
      out: slots[i]!.out,
    }));
    this.busy = true;
    return {
      n,
      p,
      scatter: () => {
        this.ensureOut(p * p);
        each(() => ({ cmd: 'scatter' }));
        return this.sum(used, p * p);
      },
      scatterTimes: (q, l) => {
        this.ensureOut(p * l);
        const q32 = Float32Array.from(q);
        each(() => ({ cmd: 'times', q: q32, l }));
        return this.sum(used, p * l);
      },
      projectedGram: (q, l) => {
        this.ensureOut(l * l);
        const q32 = Float32Array.from(q);
        each(() => ({ cmd: 'gram', q: q32, l }));
        return this.sum(used, l * l);
      },
      dispose: () => {
        this.busy = false;
        each(() => ({ cmd: 'free' }));
      },
    };
  }

  async close(): Promise<void> {
    this.staging = undefined;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

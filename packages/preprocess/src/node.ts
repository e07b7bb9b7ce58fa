// @trainkit/preprocess/node: Node-only helpers (worker threads). The browser path never imports this file.
import { assertNumber, StateError } from '@trainkit/core';
import { DATA_AT, dataBytes, KernelRows } from '@trainkit/linalg';
import { WorkerPool } from '@trainkit/linalg/node';
import {
  type CenteredRows,
  kernelRows,
  type Project,
  projectInline,
  type RowsEngine,
  setRowsEngine,
} from './centered-rows';

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
 * once into a shared WebAssembly memory, and the workers (`WorkerPool` from
 * `@trainkit/linalg/node`) run the wasm SIMD kernels of `@trainkit/linalg` on
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
  const minValues = assertNumber('minValues', options.minValues ?? 1 << 18, { min: 0 });
  const pool = new RowsPool(
    new WorkerPool({ threads: options.threads, name: 'useWorkerThreads' }),
    minValues,
  );
  setRowsEngine(pool.engine);
  return {
    threads: pool.workers.threads,
    close: async () => {
      setRowsEngine(undefined);
      await pool.close();
    },
  };
}

/**
 * The rows engine of one-shot fits on a {@link WorkerPool}: data past `minValues` values is read
 * into the pool's shared memory and its products run on the workers; smaller data stays on the
 * calling thread's kernels.
 */
class RowsPool {
  private busy = false;

  constructor(
    readonly workers: WorkerPool,
    readonly minValues: number,
  ) {}

  /** The shared memory's data region, grown when needed and reused across fits. */
  private stage(values: number): Float32Array {
    if (values < this.minValues) return kernelRows.stage?.(values) ?? new Float32Array(values);
    const arena = this.workers.arena();
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
    const arena = this.workers.arena();
    if (x.buffer !== arena.memory.buffer || x.byteOffset !== DATA_AT) {
      arena.ensure(dataBytes(n * p));
      arena.f32(DATA_AT, n * p).set(x.subarray(0, n * p));
    }
    return new KernelRows(arena, n, p, this.workers.run);
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

  close(): Promise<void> {
    return this.workers.close();
  }
}

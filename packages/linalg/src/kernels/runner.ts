import type { Arena } from './arena';
import type { KernelName } from './module';

/** One kernel call: its name and arguments. */
export type Call = [KernelName, ...number[]];

/**
 * Work for the threads of a runner: thread `t` first runs `each[t]` (zeroing its outputs, say),
 * then the threads take the `chunks` (row ranges) in turn, first come first served, thread `t`
 * running `chunks[i][t]` for each chunk `i` it takes (the chunk's calls with that thread's own
 * scratch and outputs). So a thread slowed by other work on its core takes fewer chunks.
 */
export interface Work {
  each: Call[][];
  chunks: Call[][][];
}

/** Runs {@link Work} on its threads (or in order on one) and returns when all is done. */
export type Runner = ((work: Work) => void) & { readonly threads: number };

/**
 * Threads that run the kernels over one shared memory: `WorkerPool` from
 * `@trainkit/linalg/node` (worker threads, Node), or none (the calling thread, {@link inlineRunner}).
 */
export interface KernelThreads {
  /** The shared memory every thread's instance of the kernels addresses (grow it with `ensure`). */
  arena(): Arena;
  /** Runs work on the threads and returns when all is done. */
  readonly run: Runner;
}

/** Rows `start .. start + rows` of the data (a chunk of the work). */
export interface Slice {
  start: number;
  rows: number;
}

/** Splits `n` rows into `parts` contiguous slices of nearly equal size (none empty). */
export function slices(n: number, parts: number): Slice[] {
  const w = Math.max(1, Math.min(parts, n));
  return Array.from({ length: w }, (_, i) => {
    const start = Math.round((i * n) / w);
    return { start, rows: Math.round(((i + 1) * n) / w) - start };
  });
}

/** Runs the work in order on `arena`'s own instance (one thread). */
export function inlineRunner(arena: Arena): Runner {
  const k = arena.kernels as unknown as Record<KernelName, (...a: number[]) => void>;
  const exec = (calls: Call[]) => {
    for (const [fn, ...args] of calls) k[fn](...args);
  };
  return Object.assign(
    (work: Work) => {
      exec(work.each[0] ?? []);
      for (const chunk of work.chunks) exec(chunk[0] ?? []);
    },
    { threads: 1 },
  );
}

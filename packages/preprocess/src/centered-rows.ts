import * as tf from '@tensorflow/tfjs-core';
import {
  Arena,
  DATA_AT,
  dataBytes,
  inlineRunner,
  KernelRows,
  kernelModule,
} from '@trainkit/linalg';
import { columnMoments } from './moments';

/**
 * The centred data matrix `Xc = X - 1 mu^T` (`n x p`) of a one-shot `fit`, held where its
 * products run, with the float64 column statistics taken on the way, for the products a
 * covariance-based fit needs. The small results come back as float64.
 */
export interface CenteredRows {
  readonly n: number;
  readonly p: number;
  /** Float64 column means. */
  readonly mean: Float64Array;
  /** Float64 per-column sums of squared deviations from the mean. */
  readonly m2: Float64Array;
  /** The scatter matrix `Xc^T Xc`, row-major `p x p`. */
  scatter(): Float64Array;
  /**
   * `Xc^T (Xc Z)`, the scatter times `Z` without forming it, for a column-major block `Z` (`l`
   * columns of `p`, each contiguous); column-major.
   */
  scatterTimes(z: Float64Array, l: number): Float64Array;
  dispose(): void;
}

/**
 * Where the rows of a one-shot fit go: `x` is the data read back (`n x p`, row-major). The
 * engine takes the column statistics (throwing a NaNError naming `x` for a NaN or infinite
 * value) and keeps the centred rows for the products (internal: not exported). The default runs the wasm
 * SIMD kernels of `@trainkit/linalg` on the calling thread ({@link kernelRows}), or the tfjs backend
 * ({@link backendRows}) where WebAssembly SIMD is missing; `useWorkerThreads()` from
 * `@trainkit/preprocess/node` runs the kernels on worker threads.
 */
export type RowsEngine = ((x: Float32Array, n: number, p: number) => CenteredRows) & {
  /**
   * A buffer of `values` floats for the fit to read the data into (chunk by chunk), where the
   * engine can use it without a copy (in its wasm memory).
   */
  stage?: (values: number) => Float32Array;
  /**
   * `(x - mean) w` for `n x p` data `x` (read into `stage(n p)` where the engine has it) and a
   * row-major `p x q` float64 `w`, as `n x q` float32, row-major: `transform` on the CPU backends
   * (wasm, cpu) hands large batches to it.
   */
  project?: Project;
};

/** `(x - mean) w` for `n x p` rows `x` and a row-major `p x q` `w`: `n x q` float32, row-major. */
export type Project = (
  x: Float32Array,
  n: number,
  p: number,
  mean: Float64Array,
  w: Float64Array,
  q: number,
) => Float32Array;

// On globalThis so that the ESM and CJS builds (and the `./node` entry) share one registry.
const KEY = Symbol.for('@trainkit/preprocess.rowsEngine');
type Registry = { [KEY]?: RowsEngine };

/** Installs `engine` for one-shot fits (`undefined` restores the backend default). */
export function setRowsEngine(engine: RowsEngine | undefined): void {
  (globalThis as Registry)[KEY] = engine;
}

/** The engine one-shot fits use now. */
export function rowsEngine(): RowsEngine {
  return (globalThis as Registry)[KEY] ?? (kernelModule(false) ? kernelRows : backendRows);
}

/**
 * The rows as two tensors on the active tfjs backend: `Xc` and `Xc^T` (XNNPACK runs a plain
 * matMul far faster than a transposed one); float32 products, read back and summed in float64.
 */
export const backendRows: RowsEngine = (x, n, p) => {
  const { mean, m2 } = columnMoments('x', x, n, p);
  const [xc, xcT] = tf.tidy(() => {
    const c = tf.sub(tf.tensor2d(x, [n, p]), tf.tensor1d(Float32Array.from(mean)));
    return [c, tf.transpose(c)] as const;
  });
  const read = (t: tf.Tensor): Float64Array => {
    const v = Float64Array.from(t.dataSync());
    t.dispose();
    return v;
  };
  return {
    n,
    p,
    mean,
    m2,
    scatter: () => read(tf.matMul(xcT, xc)),
    // Z^T arrives row-major: the small blocks are transposed, the large products stay plain.
    scatterTimes: (z, l) =>
      read(
        tf.tidy(() => {
          const zp = tf.transpose(tf.tensor2d(Float32Array.from(z), [l, p]));
          return tf.transpose(tf.matMul(xcT, tf.matMul(xc, zp)));
        }),
      ),
    dispose: () => tf.dispose([xc, xcT]),
  };
};

/** {@link RowsEngine.project} by the kernels on the calling thread. */
export const projectInline: Project = (x, n, p, mean, w, q) => {
  const arena = arenaWith(x, n, p);
  const rows = new KernelRows(arena, n, p, inlineRunner(arena));
  rows.centreWith(mean);
  return rows.project(w, q);
};

/**
 * Preprocess's wasm SIMD kernels on the calling thread, in a memory of their own for each fit
 * (released with the fit's rows): the data is read into it once and centred in place; the
 * scatter uses the symmetry (half the products) and sums blocks of float32 products in float64.
 */
export const kernelRows: RowsEngine = Object.assign(
  (x: Float32Array, n: number, p: number): CenteredRows => {
    const arena = arenaWith(x, n, p);
    const rows = new KernelRows(arena, n, p, inlineRunner(arena));
    rows.centre('x');
    return Object.assign(rows, { dispose: () => {} });
  },
  {
    stage: (values: number): Float32Array => {
      staged = new Arena(kernelModule(false) as WebAssembly.Module, false, dataBytes(values));
      return staged.f32(DATA_AT, values);
    },
    project: projectInline,
  },
);

/** The arena of the last `stage` call, taken by the next fit or projection. */
let staged: Arena | undefined;

/** An arena holding `x` at DATA_AT: the staged one when `x` is its data, else a fresh copy. */
function arenaWith(x: Float32Array, n: number, p: number): Arena {
  const arena = staged;
  staged = undefined;
  if (arena && x.buffer === arena.memory.buffer && x.byteOffset === DATA_AT) return arena;
  const fresh = new Arena(kernelModule(false) as WebAssembly.Module, false, dataBytes(n * p));
  fresh.f32(DATA_AT, n * p).set(x.subarray(0, n * p));
  return fresh;
}

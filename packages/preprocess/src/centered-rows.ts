import * as tf from '@tensorflow/tfjs-core';

/**
 * The centred data matrix `Xc = X - 1 mu^T` (`n x p`) of a one-shot `fit`, held where its
 * products run, for the products a covariance-based fit needs. Every product is a float32
 * `matMul`; the small results are read back and summed in float64.
 */
export interface CenteredRows {
  readonly n: number;
  readonly p: number;
  /** The scatter matrix `Xc^T Xc`, row-major `p x p`. */
  scatter(): Float64Array;
  /** `Xc^T (Xc q)` for a row-major `p x l` block `q`: the scatter times `q` without forming it. */
  scatterTimes(q: Float64Array, l: number): Float64Array;
  /** `(Xc q)^T (Xc q)`, `l x l`: the rows of `Xc q` are read back and the Gram summed in float64. */
  projectedGram(q: Float64Array, l: number): Float64Array;
  dispose(): void;
}

/**
 * Where the centred rows of a one-shot fit live: `x` is the data read back (`n x p`, row-major),
 * `mean` its float64 column means. The default keeps them as tensors on the active tfjs backend;
 * `useWorkerThreads()` from `@trainkit/preprocess/node` splits them over worker threads.
 */
export type RowsEngine = ((
  x: Float32Array,
  n: number,
  p: number,
  mean: Float64Array,
) => CenteredRows) & {
  /**
   * A buffer of `values` floats for the fit to read the data into (chunk by chunk), reused across
   * fits: the worker threads share it, and a fresh 100 MB+ allocation per fit costs page faults.
   */
  stage?: (values: number) => Float32Array;
};

// On globalThis so that the ESM and CJS builds (and the `./node` entry) share one registry.
const KEY = Symbol.for('@trainkit/preprocess.rowsEngine');
type Registry = { [KEY]?: RowsEngine };

/** Installs `engine` for one-shot fits (`undefined` restores the backend default). */
export function setRowsEngine(engine: RowsEngine | undefined): void {
  (globalThis as Registry)[KEY] = engine;
}

/** The engine one-shot fits use now. */
export function rowsEngine(): RowsEngine {
  return (globalThis as Registry)[KEY] ?? backendRows;
}

/** Float64 Gram `y^T y` of a row-major `n x l` block, upper half computed and mirrored. */
export function gram(y: ArrayLike<number>, n: number, l: number, out = new Float64Array(l * l)) {
  for (let r = 0; r < n; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const yi = y[o + i]!;
      if (yi === 0) continue;
      const row = i * l;
      for (let j = i; j < l; j++) out[row + j] = out[row + j]! + yi * y[o + j]!;
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) out[i * l + j] = out[j * l + i]!;
  return out;
}

/** The rows as two tensors on the active backend: `Xc` and `Xc^T` (XNNPACK runs a plain matMul far faster than a transposed one). */
export const backendRows: RowsEngine = (x, n, p, mean) => {
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
    scatter: () => read(tf.matMul(xcT, xc)),
    scatterTimes: (q, l) =>
      read(tf.tidy(() => tf.matMul(xcT, tf.matMul(xc, tf.tensor2d(Float32Array.from(q), [p, l]))))),
    projectedGram: (q, l) => {
      const y = tf.tidy(() => tf.matMul(xc, tf.tensor2d(Float32Array.from(q), [p, l])));
      const v = y.dataSync();
      y.dispose();
      return gram(v, n, l);
    },
    dispose: () => tf.dispose([xc, xcT]),
  };
};

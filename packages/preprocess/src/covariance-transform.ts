import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Serialized, StateError, type Transform } from '@trainkit/core';
import { type CenteredRows, rowsEngine } from './centered-rows';
import { assertTensor, notFitted } from './input';
import { assertFiniteStats, assertSampleShape, layoutOf } from './layout';
import { CovarianceMoments } from './moments';

/**
 * Copies the values of `x` (`n p` of them) into `out`. On the wasm backend the tensor is read
 * straight from the wasm heap (tfjs-backend-wasm 4.x keeps each tensor at `memoryOffset` in its
 * heap): `dataSync` would allocate a fresh array of the data's size on every fit, and first
 * touches of 100+ MB of fresh memory cost seconds on a busy machine. Anything else falls back
 * to `dataSync`.
 */
export function readInto(x: tf.Tensor, out: Float32Array): Float32Array {
  const backend = tf.backend() as unknown as {
    wasm?: { HEAPU8?: Uint8Array };
    dataIdMap?: { get(id: object): { memoryOffset?: number } | undefined };
  };
  const heap = backend.wasm?.HEAPU8;
  const offset = backend.dataIdMap?.get(x.dataId)?.memoryOffset;
  if (
    tf.getBackend() === 'wasm' &&
    x.dtype === 'float32' &&
    heap !== undefined &&
    typeof offset === 'number' &&
    offset + 4 * out.length <= heap.byteLength
  ) {
    out.set(new Float32Array(heap.buffer, heap.byteOffset + offset, out.length));
  } else {
    out.set(x.dataSync());
  }
  return out;
}

/** A fitted linear map `z = (x - mean) W` with its inverse `x = z V + mean`, all float64. */
export interface LinearMap {
  /** Features in (`p`). */
  p: number;
  /** Outputs (`q`). */
  q: number;
  mean: Float64Array;
  /** Row-major `p x q`. */
  forward: Float64Array;
  /** Row-major `q x p`. */
  backward: Float64Array;
}

/**
 * Base of the transforms fitted from a streamed covariance matrix (PCA, whitening). Samples
 * of any rank are flattened to vectors ("fit on flattened pixels"); statistics accumulate in
 * float64 over `partialFit` batches; the decomposition runs once, lazily, when first needed;
 * `transform` is one `matMul` on the backend.
 */
export abstract class CovarianceTransform implements Transform {
  abstract readonly kind: string;
  protected moments: CovarianceMoments | undefined;
  protected sampleShape: number[] | undefined;
  private solved: LinearMap | undefined;
  private restored = false;
  /** Set when a one-shot fit solved from the data without keeping the covariance. */
  private withoutCovariance = false;

  get fitted(): boolean {
    return this.solved !== undefined || (this.moments !== undefined && this.moments.count > 0);
  }

  /** Samples the statistics were estimated from. */
  abstract get nSamples(): number;

  /**
   * Forgets everything and fits on all of `x` (`[batch, ...features]`), solving at once. The
   * data is read back once: column means in float64, then the centred rows go to the rows engine
   * (the tfjs backend, or worker threads after `useWorkerThreads()`) for the products the solver
   * needs.
   */
  fit(x: tf.Tensor): this {
    this.moments = undefined;
    this.sampleShape = undefined;
    this.solved = undefined;
    this.restored = false;
    this.withoutCovariance = false;
    const t = assertTensor('x', x);
    const layout = layoutOf('x', t, 'feature');
    this.validateFeatures(layout.features);
    const p = layout.features;
    const n = t.shape[0];
    const engine = rowsEngine();
    const data = readInto(t, engine.stage?.(n * p) ?? new Float32Array(n * p));
    const rows = engine(data, n, p);
    const { mean, m2 } = rows;
    try {
      const direct = this.solveFromRows(rows, mean, m2);
      if (direct) {
        this.sampleShape = t.shape.slice(1);
        this.solved = direct;
        this.withoutCovariance = true;
        return this;
      }
      const scatter = rows.scatter();
      assertFiniteStats('x', scatter);
      this.moments = CovarianceMoments.of(n, mean, scatter);
      this.sampleShape = t.shape.slice(1);
    } finally {
      rows.dispose();
    }
    this.map();
    return this;
  }

  /**
   * A subclass may solve a one-shot fit directly from the centred rows (and `m2`, the per-feature
   * sums of squared deviations) instead of from the covariance; `undefined` means "use the
   * covariance". A map returned here leaves no covariance behind, so `partialFit` cannot follow.
   */
  protected solveFromRows(
    _rows: CenteredRows,
    _mean: Float64Array,
    _m2: Float64Array,
  ): LinearMap | undefined {
    return undefined;
  }

  /** Adds a batch to the running mean and covariance; the decomposition is redone lazily. */
  partialFit(batch: tf.Tensor, name = 'batch'): this {
    const x = assertTensor(name, batch);
    if (this.restored) {
      throw new StateError('was restored from JSON without its covariance statistics', {
        argument: name,
        expected: 'a transform fitted in this process (call fit() to start again)',
        receivedText: 'a restored transform',
      });
    }
    if (this.withoutCovariance) {
      throw new StateError('was fitted in one shot from the data, without a covariance to add to', {
        argument: name,
        expected: "partialFit from the start to stream (or, for PCA, sketch: 'covariance' in fit)",
        receivedText: "a PCA fitted with sketch 'data'",
      });
    }
    if (this.sampleShape !== undefined) assertSampleShape(name, x, this.sampleShape);
    const layout = layoutOf(name, x, 'feature');
    this.validateFeatures(layout.features);
    const moments = this.moments ?? new CovarianceMoments(layout.features);
    const rows = tf.reshape(x, [-1, layout.features]) as tf.Tensor2D;
    try {
      moments.update(name, rows);
    } finally {
      rows.dispose();
    }
    this.moments = moments;
    this.sampleShape = x.shape.slice(1);
    this.solved = undefined;
    return this;
  }

  /** Checks options against the feature count (before any statistics are kept). */
  protected validateFeatures(_features: number): void {}

  /** Computes the map from the accumulated statistics. */
  protected abstract solve(m: CovarianceMoments): LinearMap;

  /** The fitted map, solving on first use after new data. */
  protected map(method = 'transform'): LinearMap {
    if (this.solved) return this.solved;
    if (!this.moments || this.moments.count === 0) notFitted(this.kind, method);
    this.solved = this.solve(this.moments);
    return this.solved;
  }

  /**
   * Projects `x` (`[batch, ...sampleShape]`) to `[batch, q]`. On the CPU backends (wasm, cpu), a
   * batch of at least 2^18 values goes through the rows engine's kernels (on worker threads
   * after `useWorkerThreads()`); otherwise, and on GPU backends, it is one `matMul` on the backend.
   */
  transform(x: tf.Tensor): tf.Tensor2D {
    const t = assertTensor('x', x);
    const m = this.map('transform');
    assertSampleShape('x', t, this.sampleShape ?? []);
    const n = t.shape[0];
    const engine = rowsEngine();
    const backend = tf.getBackend();
    if (engine.project && n * m.p >= 1 << 18 && (backend === 'wasm' || backend === 'cpu')) {
      const data = readInto(t, engine.stage?.(n * m.p) ?? new Float32Array(n * m.p));
      return tf.tensor2d(engine.project(data, n, m.p, m.mean, m.forward, m.q), [n, m.q]);
    }
    return tf.tidy(() => {
      const rows = tf.reshape(t, [-1, m.p]);
      const mean = tf.tensor1d(Float32Array.from(m.mean));
      const w = tf.tensor2d(Float32Array.from(m.forward), [m.p, m.q]);
      return tf.matMul(tf.sub(rows, mean), w);
    });
  }

  /** Maps `[batch, q]` back to `[batch, ...sampleShape]`. */
  inverseTransform(z: tf.Tensor): tf.Tensor {
    const t = assertTensor('z', z);
    const m = this.map('inverseTransform');
    assertSampleShape('z', t, [m.q]);
    return tf.tidy(() => {
      const v = tf.tensor2d(Float32Array.from(m.backward), [m.q, m.p]);
      const x = tf.add(tf.matMul(t, v), tf.tensor1d(Float32Array.from(m.mean)));
      return tf.reshape(x, [-1, ...(this.sampleShape ?? [m.p])]);
    });
  }

  protected abstract options(): Record<string, unknown>;

  /** Fitted results to serialize (the solved map is rebuilt from them). */
  protected abstract fittedState(): Record<string, unknown>;

  /** Rebuilds the solved map from {@link fittedState} output. */
  protected abstract restoreState(state: Record<string, unknown>): LinearMap;

  toJSON(): Serialized {
    const state = this.fitted
      ? { sampleShape: this.sampleShape ?? [], ...this.fittedStateChecked() }
      : null;
    return { kind: this.kind, version: 1, ...this.options(), state };
  }

  private fittedStateChecked(): Record<string, unknown> {
    this.map('toJSON');
    return this.fittedState();
  }

  /** Restores a fitted transform from its JSON `state` (used by the registered factories). */
  restore(state: unknown): this {
    if (state === null || state === undefined) return this;
    const s = state as Record<string, unknown>;
    if (!Array.isArray(s.sampleShape)) {
      throw new ConfigError('malformed state', {
        argument: 'json.state',
        expected: 'an object with sampleShape',
        received: state,
      });
    }
    this.sampleShape = [...(s.sampleShape as number[])];
    this.solved = this.restoreState(s);
    this.restored = true;
    return this;
  }
}

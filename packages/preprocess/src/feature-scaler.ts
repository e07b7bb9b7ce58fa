import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Serialized, type Transform } from '@trainkit/core';
import { assertTensor, notFitted } from './input';
import {
  asRows,
  assertSampleShape,
  checkAxis,
  type Layout,
  layoutOf,
  type StatAxis,
} from './layout';
import { FeatureMoments } from './moments';

/** Options shared by the per-feature scalers. */
export interface ScalerOptions {
  /** Which statistics to keep: per `'feature'` (default), per `'channel'` (NHWC), or `'global'`. */
  axis?: StatAxis;
}

/** The fitted statistics of a scaler as plain JSON (so partialFit can continue after loading). */
export interface ScalerState {
  count: number;
  sampleShape: number[];
  mean: number[];
  m2: number[];
  min: number[];
  max: number[];
}

/**
 * Base of the affine per-feature scalers: `transform(x) = (x - shift) / scale`, with `shift` and
 * `scale` derived from streaming moments. Subclasses say how.
 */
export abstract class FeatureScaler implements Transform {
  abstract readonly kind: string;
  readonly axis: StatAxis;
  protected moments: FeatureMoments | undefined;
  protected sampleShape: number[] | undefined;
  private layout: Layout | undefined;
  private cached: { shift: Float64Array; scale: Float64Array } | undefined;

  constructor(options: ScalerOptions = {}) {
    this.axis = checkAxis(options.axis ?? 'feature');
  }

  get fitted(): boolean {
    return this.moments !== undefined && this.moments.count > 0;
  }

  /** Samples seen so far. */
  get nSamples(): number {
    return this.moments?.count ?? 0;
  }

  /** Per-statistic mean (float64), or undefined before fit. */
  get mean(): Float64Array | undefined {
    return this.moments?.mean.slice();
  }

  /** Forgets the statistics and fits on all of `x` (`[batch, ...features]`). */
  fit(x: tf.Tensor): this {
    this.moments = undefined;
    this.sampleShape = undefined;
    this.layout = undefined;
    return this.partialFit(x, 'x');
  }

  /** Adds `batch` to the running statistics (streaming; any number of batches). */
  partialFit(batch: tf.Tensor, name = 'batch'): this {
    const x = assertTensor(name, batch);
    if (this.sampleShape !== undefined) assertSampleShape(name, x, this.sampleShape);
    const layout = layoutOf(name, x, this.axis);
    const rows = asRows(x, layout);
    const moments = this.moments ?? new FeatureMoments(layout.features);
    try {
      moments.update(name, rows);
    } finally {
      rows.dispose();
    }
    this.moments = moments;
    this.layout = layout;
    this.sampleShape = x.shape.slice(1);
    this.cached = undefined;
    return this;
  }

  protected abstract shiftScale(m: FeatureMoments): { shift: Float64Array; scale: Float64Array };

  private params(method: string): { shift: tf.Tensor; scale: tf.Tensor; layout: Layout } {
    if (!this.fitted || !this.moments || !this.layout) notFitted(this.kind, method);
    this.cached ??= this.shiftScale(this.moments);
    const shape = this.layout.statShape;
    return {
      shift: tf.tensor(Float32Array.from(this.cached.shift), shape),
      scale: tf.tensor(Float32Array.from(this.cached.scale), shape),
      layout: this.layout,
    };
  }

  /** `(x - shift) / scale`; returns a new tensor of the shape of `x`. */
  transform(x: tf.Tensor): tf.Tensor {
    const t = assertTensor('x', x);
    if (!this.fitted) notFitted(this.kind, 'transform');
    assertSampleShape('x', t, this.sampleShape ?? []);
    return tf.tidy(() => {
      const { shift, scale } = this.params('transform');
      return tf.div(tf.sub(t, shift), scale);
    });
  }

  /** `x * scale + shift`: undoes {@link transform}. */
  inverseTransform(x: tf.Tensor): tf.Tensor {
    const t = assertTensor('x', x);
    if (!this.fitted) notFitted(this.kind, 'inverseTransform');
    assertSampleShape('x', t, this.sampleShape ?? []);
    return tf.tidy(() => {
      const { shift, scale } = this.params('inverseTransform');
      return tf.add(tf.mul(t, scale), shift);
    });
  }

  protected options(): Record<string, unknown> {
    return {};
  }

  toJSON(): Serialized {
    const m = this.moments;
    const state: ScalerState | null =
      m && this.sampleShape
        ? {
            count: m.count,
            sampleShape: this.sampleShape,
            mean: [...m.mean],
            m2: [...m.m2],
            min: [...m.min],
            max: [...m.max],
          }
        : null;
    return { kind: this.kind, version: 1, axis: this.axis, ...this.options(), state };
  }

  /** Restores statistics written by {@link toJSON} (used by the registered factories). */
  restore(state: unknown): this {
    if (state === null || state === undefined) return this;
    const s = state as ScalerState;
    const ok =
      typeof s.count === 'number' &&
      Array.isArray(s.sampleShape) &&
      [s.mean, s.m2, s.min, s.max].every((a) => Array.isArray(a) && a.length === s.mean.length);
    if (!ok) {
      throw new ConfigError('malformed scaler state', {
        argument: 'json.state',
        expected: '{ count, sampleShape, mean, m2, min, max }',
        received: state,
      });
    }
    const m = new FeatureMoments(s.mean.length);
    m.merge(s.count, s.mean, s.m2, s.min, s.max);
    this.moments = m;
    this.sampleShape = [...s.sampleShape];
    // A one-row tensor of the fitted sample shape gives the layout without data.
    const probe = tf.zeros([1, ...s.sampleShape]);
    this.layout = layoutOf('json.state.sampleShape', probe, this.axis);
    probe.dispose();
    this.cached = undefined;
    return this;
  }
}

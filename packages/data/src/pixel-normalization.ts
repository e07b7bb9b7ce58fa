import * as tf from '@tensorflow/tfjs-core';
import {
  assertFiniteValues,
  assertNumber,
  assertOneOf,
  ConfigError,
  fromJSON,
  registerKind,
  type Serialized,
  ShapeError,
} from '@trainkit/core';
import type { Dataset } from './dataset';

/** How pixel values are mapped; `maxValue` is the largest raw value (255 for bytes, 16 for digits). */
export type PixelNormalizationOptions =
  | { mode: 'unit'; maxValue?: number }
  | { mode: 'symmetric'; maxValue?: number }
  | {
      mode: 'standardize';
      mean: number | readonly number[];
      std: number | readonly number[];
      maxValue?: number;
    };

/**
 * A pixel normalisation: `unit` maps `[0, maxValue]` to `[0, 1]` (`x / maxValue`); `symmetric`
 * to `[-1, 1]` (`2x / maxValue - 1`); `standardize` computes `(x / maxValue - mean[c]) / std[c]`
 * per channel `c` (the last axis), with `mean`/`std` in `[0, 1]` units as torchvision's
 * `ToTensor` + `Normalize` use them.
 */
export interface PixelNormalization {
  readonly kind: 'data.pixelNormalization';
  readonly options: PixelNormalizationOptions;
  /** Normalises a flat array whose last axis has `channels` entries; returns new float32 values. */
  apply(x: ArrayLike<number>, channels?: number): Float32Array;
  /** Normalises a tensor (channels = last axis); returns a float32 tensor the caller owns. */
  applyTensor(x: tf.Tensor): tf.Tensor;
  toJSON(): Serialized;
}

/**
 * Builds a {@link PixelNormalization}.
 *
 * @example
 * const ds01 = ds.normalize(pixelNormalization({ mode: 'unit' }));
 * const dsStd = ds.normalize(pixelNormalization({ mode: 'standardize', mean: 0.286, std: 0.353 }));
 */
export function pixelNormalization(options: PixelNormalizationOptions): PixelNormalization {
  const mode = assertOneOf('mode', options?.mode, ['unit', 'symmetric', 'standardize'] as const);
  const maxValue = assertNumber('maxValue', options.maxValue ?? 255, {
    min: 0,
    exclusiveMin: true,
  });
  let mean: number[] = [0];
  let std: number[] = [1];
  if (options.mode === 'standardize') {
    mean = toList('mean', options.mean);
    std = toList('std', options.std);
    std.forEach((s, i) => {
      assertNumber(`std[${i}]`, s, { min: 0, exclusiveMin: true });
    });
    if (mean.length !== std.length) {
      throw new ConfigError('mean and std need the same number of channels', {
        argument: 'std',
        expected: `${mean.length} values`,
        receivedText: `${std.length} values`,
      });
    }
  }
  // Every mode is an affine map per channel: y = x * scale[c] + shift[c].
  const scale = std.map((s) => (mode === 'symmetric' ? 2 / maxValue : 1 / (maxValue * s)));
  const shift = mean.map((m, c) => (mode === 'symmetric' ? -1 : -m / std[c]!));
  const stored: PixelNormalizationOptions =
    options.mode === 'standardize'
      ? { mode, mean: options.mean, std: options.std, maxValue }
      : ({ mode, maxValue } as PixelNormalizationOptions);

  const checkChannels = (channels: number) => {
    if (scale.length !== 1 && scale.length !== channels) {
      throw new ShapeError('channel count does not match mean/std', {
        argument: 'x',
        expected: `${scale.length} channels (last axis)`,
        receivedText: `${channels} channels`,
      });
    }
  };

  return {
    kind: 'data.pixelNormalization',
    options: stored,
    apply(x: ArrayLike<number>, channels = 1): Float32Array {
      checkChannels(channels);
      const out = new Float32Array(x.length);
      const k = scale.length;
      for (let i = 0; i < x.length; i++) {
        const c = k === 1 ? 0 : i % channels;
        out[i] = x[i]! * scale[c]! + shift[c]!;
      }
      return out;
    },
    applyTensor(x: tf.Tensor): tf.Tensor {
      checkChannels(x.shape[x.shape.length - 1] ?? 1);
      return tf.tidy(() =>
        tf.add(tf.mul(tf.cast(x, 'float32'), tf.tensor1d(scale)), tf.tensor1d(shift)),
      );
    },
    toJSON(): Serialized {
      return { kind: 'data.pixelNormalization', version: 1, ...stored };
    },
  };
}

/**
 * Fits a `standardize` normalisation to a dataset: per-channel mean and (population) standard
 * deviation of `x / maxValue` over all examples and pixels.
 *
 * @example
 * const norm = fitPixelNormalization(train); // Fashion-MNIST train: mean ~0.286, std ~0.353
 */
export function fitPixelNormalization(
  ds: Dataset,
  options: { maxValue?: number } = {},
): PixelNormalization {
  const maxValue = assertNumber('maxValue', options.maxValue ?? 255, {
    min: 0,
    exclusiveMin: true,
  });
  const channels = ds.shape[ds.shape.length - 1]!;
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  const x = ds.x;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! / maxValue;
    const c = i % channels;
    sum[c]! += v;
    sumSq[c]! += v * v;
  }
  const n = x.length / channels;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sumSq, (s, c) => Math.sqrt(Math.max(s / n - mean[c]! ** 2, 0)));
  if (std.some((s) => s === 0)) {
    throw new ConfigError('a channel is constant (std 0); cannot standardize', { argument: 'ds' });
  }
  return pixelNormalization({ mode: 'standardize', mean, std, maxValue });
}

function toList(name: string, v: number | readonly number[] | undefined): number[] {
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? [...(v as number[])] : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError('required for mode "standardize"', {
      argument: name,
      expected: 'a number or a non-empty array of numbers (one per channel)',
      received: v,
    });
  }
  list.forEach((m, i) => {
    assertNumber(`${name}[${i}]`, m);
  });
  assertFiniteValues(name, list);
  return list;
}

/**
 * Registers the `data.*` kinds with the core serialization registry (idempotent; explicit so that
 * importing the package has no side effects). {@link pixelNormalizationFromJSON} calls it.
 */
export function registerDataKinds(): void {
  registerKind('data.pixelNormalization', (json) => {
    const { kind: _k, version: _v, ...options } = json;
    return pixelNormalization(options as unknown as PixelNormalizationOptions);
  });
}

/**
 * Rebuilds a pixel normalisation from its `toJSON()` output (object or JSON string).
 * @example const again = pixelNormalizationFromJSON(pixelNormalization({ mode: 'unit' }).toJSON());
 */
export function pixelNormalizationFromJSON(json: unknown): PixelNormalization {
  registerDataKinds();
  return fromJSON<PixelNormalization>(json);
}

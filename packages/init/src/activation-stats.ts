import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertNumber, ConfigError } from '@trainkit/core';
import { checkBatch, checkModel, computingLayers, probeModel } from './probe-model';

/** Activation statistics of one layer's output over a batch. */
export interface LayerActivationStats {
  /** The layer's name. */
  name: string;
  mean: number;
  /** Population standard deviation over every element of the output. */
  std: number;
  /** Fraction of exact zeros (dead ReLUs). */
  fractionZero: number;
  min: number;
  max: number;
  /** `bins + 1` bin edges, from the range's low to high end. */
  edges: number[];
  /** `bins` counts; values outside `range` are counted in the end bins. */
  counts: number[];
}

export interface ActivationStatsOptions {
  /** Histogram bins. Default 20. */
  bins?: number;
  /** Histogram range [low, high] for every layer (e.g. [-1, 1] for tanh). Default: each layer's min..max. */
  range?: [number, number];
}

/**
 * Per-layer mean, std, fraction of zeros and a histogram of the activations of a tfjs-layers
 * model on the batch `x` — the probe of CS231n's initialization experiment (a deep tanh MLP
 * whose activations collapse to 0 with small random weights). One forward pass through a
 * multi-output model over every layer's output; reads back once.
 *
 * @example
 * const stats = await activationStats(model, x, { bins: 30, range: [-1, 1] });
 * for (const s of stats) console.log(s.name, s.mean.toFixed(3), s.std.toFixed(3));
 */
export async function activationStats(
  model: tfl.LayersModel,
  x: tf.Tensor,
  options: ActivationStatsOptions = {},
): Promise<LayerActivationStats[]> {
  checkModel(model);
  checkBatch(x);
  const bins = assertNumber('bins', options.bins ?? 20, { min: 1, integer: true });
  const range = options.range;
  if (range !== undefined) {
    if (!Array.isArray(range) || range.length !== 2) {
      throw new ConfigError('must be [low, high]', {
        argument: 'range',
        expected: 'two numbers with low < high',
        received: range,
      });
    }
    assertNumber('range[0]', range[0]);
    assertNumber('range[1]', range[1], { min: range[0], exclusiveMin: true });
  }
  const layers = computingLayers(model);
  const probe = probeModel(model, layers);
  const packed = tf.tidy(() => {
    const out = probe.predict(x);
    const outs = Array.isArray(out) ? out : [out];
    const rows = outs.map((y) => {
      const flat = tf.reshape(tf.cast(y, 'float32'), [-1]);
      const { mean, variance } = tf.moments(flat);
      const lo = range ? tf.scalar(range[0]) : tf.min(flat);
      const hi = range ? tf.scalar(range[1]) : tf.max(flat);
      const width = tf.maximum(tf.sub(hi, lo), 1e-12);
      const idx = tf.clipByValue(
        tf.floor(tf.mul(tf.div(tf.sub(flat, lo), width), bins)),
        0,
        bins - 1,
      );
      const counts = tf.bincount(tf.cast(idx, 'int32') as tf.Tensor1D, [], bins);
      const head = tf.stack([
        mean,
        tf.sqrt(variance),
        tf.mean(tf.cast(tf.equal(flat, 0), 'float32')),
        tf.min(flat),
        tf.max(flat),
        lo,
        hi,
      ]);
      return tf.concat([head, tf.cast(counts, 'float32')]);
    });
    return tf.stack(rows);
  });
  const values = await packed.data();
  packed.dispose();
  const width = 7 + bins;
  return layers.map((layer, i) => {
    const r = values.subarray(i * width, (i + 1) * width);
    const lo = r[5]!;
    const hi = r[6]!;
    return {
      name: layer.name,
      mean: r[0]!,
      std: r[1]!,
      fractionZero: r[2]!,
      min: r[3]!,
      max: r[4]!,
      edges: Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins),
      counts: Array.from(r.subarray(7)),
    };
  });
}

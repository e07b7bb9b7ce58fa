import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';

/** One row of a {@link summary}. */
export interface LayerSummary {
  name: string;
  /** tfjs-layers class name (`Conv2D`, `Dense`, ...). */
  className: string;
  /** Output shape with `null` for the batch (first output only for multi-output layers). */
  outputShape: (number | null)[];
  trainableParams: number;
  nonTrainableParams: number;
  /** Multiply-accumulates per example (convolutions and dense layers only). */
  macs: number;
  /** FLOPs per example = 2 x `macs`. */
  flops: number;
}

/** The result of {@link summary}: rows, totals, and the counting convention. */
export interface ModelSummary {
  name: string;
  layers: LayerSummary[];
  totals: {
    params: number;
    trainableParams: number;
    nonTrainableParams: number;
    macs: number;
    flops: number;
  };
  /** How FLOPs are counted, in words (printed under the table). */
  convention: string;
}

export const FLOPS_CONVENTION =
  'FLOPs = 2 x multiply-accumulates of Conv2D/DepthwiseConv2D/Dense per example; ' +
  'bias, batch norm, activations, pooling and additions are not counted';

const size = (shape: readonly (number | null)[]) => shape.reduce<number>((p, d) => p * (d ?? 1), 1);

function macsOf(layer: tfl.layers.Layer, out: (number | null)[]): number {
  const kernel = layer.weights.find((w) => /(^|\/)(depthwise_)?kernel$/.test(w.originalName));
  if (!kernel) return 0;
  const k = kernel.shape as number[];
  const outPerExample = size(out.slice(1));
  switch (layer.getClassName()) {
    // Every output element of a conv is a dot product over kh x kw x cin (kernel [kh, kw, cin, cout]).
    case 'Conv2D':
      return outPerExample * (k[0]! * k[1]! * k[2]!);
    // Depthwise: each output element sees kh x kw inputs of one channel.
    case 'DepthwiseConv2D':
      return outPerExample * (k[0]! * k[1]!);
    // Dense: each output unit is a dot product over the input's last axis (kernel [in, out]).
    case 'Dense':
      return outPerExample * k[0]!;
    default:
      return 0;
  }
}

/**
 * Per-layer output shapes, trainable / non-trainable parameter counts and FLOPs per example of a
 * built tfjs-layers model, with totals. Reads only shapes, never weight values, so it is cheap
 * on big models. See {@link FLOPS_CONVENTION} for what a FLOP is here (VGG-16 at 224x224:
 * 15.47 GMACs = 30.9 GFLOPs). Nested models count as one row with zero FLOPs.
 *
 * @example
 * const s = summary(lenet5());
 * s.totals.params; // 61706
 * console.log(formatSummary(s));
 */
export function summary(model: tfl.LayersModel): ModelSummary {
  if (!model || !Array.isArray((model as { layers?: unknown }).layers)) {
    throw new ConfigError('not a tfjs-layers model', {
      argument: 'model',
      expected: 'a LayersModel (tf.model / tf.sequential)',
      received: model,
    });
  }
  const layers = model.layers.map((layer): LayerSummary => {
    const raw = layer.outputShape;
    const outputShape = (Array.isArray(raw[0]) ? raw[0] : raw) as (number | null)[];
    const count = (ws: { shape: readonly (number | null)[] }[]) =>
      ws.reduce((a, w) => a + size(w.shape), 0);
    const macs = macsOf(layer, outputShape);
    return {
      name: layer.name,
      className: layer.getClassName(),
      outputShape: [...outputShape],
      trainableParams: count(layer.trainableWeights),
      nonTrainableParams: count(layer.nonTrainableWeights),
      macs,
      flops: 2 * macs,
    };
  });
  const sum = (key: 'trainableParams' | 'nonTrainableParams' | 'macs' | 'flops') =>
    layers.reduce((a, l) => a + l[key], 0);
  const trainableParams = sum('trainableParams');
  const nonTrainableParams = sum('nonTrainableParams');
  return {
    name: model.name,
    layers,
    totals: {
      params: trainableParams + nonTrainableParams,
      trainableParams,
      nonTrainableParams,
      macs: sum('macs'),
      flops: sum('flops'),
    },
    convention: FLOPS_CONVENTION,
  };
}

const thousands = (n: number) => n.toLocaleString('en-US');
function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/**
 * Renders a {@link ModelSummary} as a fixed-width text table (one row per layer, then totals).
 *
 * @example
 * console.log(formatSummary(summary(vgg({ depth: 16 }))));
 */
export function formatSummary(s: ModelSummary): string {
  const head = ['Layer (type)', 'Output shape', 'Trainable', 'Non-trainable', 'FLOPs'];
  const rows = s.layers.map((l) => [
    `${l.name} (${l.className})`,
    `[${l.outputShape.map((d) => d ?? 'null').join(', ')}]`,
    thousands(l.trainableParams),
    thousands(l.nonTrainableParams),
    human(l.flops),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = '-'.repeat(widths.reduce((a, w) => a + w + 2, -2));
  const t = s.totals;
  return [
    `Model: ${s.name}`,
    rule,
    line(head),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${thousands(t.params)} (trainable ${thousands(t.trainableParams)}, non-trainable ${thousands(t.nonTrainableParams)})`,
    `FLOPs per example: ${thousands(t.flops)} (${human(t.flops)}; ${human(t.macs)} MACs)`,
    `Convention: ${s.convention}`,
  ].join('\n');
}

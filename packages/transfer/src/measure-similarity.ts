import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  assertNumber,
  assertPositiveInt,
  ConfigError,
  DTypeError,
  Rng,
  ShapeError,
  ValueRangeError,
} from '@trainkit/core';
import { ridgeSolve } from '@trainkit/linalg';
import { extractFeatures } from './extract-features';
import { earlierLayer } from './recommend-strategy';
import { resolveLayerIndex } from './resolve-layer';

export interface MeasureSimilarityOptions {
  /**
   * Layers to probe (names or indices). Default: `earlierLayer(model)` and the top codes (the
   * layer before the last).
   */
  layers?: (string | number)[];
  /** The layer whose codes "similar" is about. Default: the layer before the last (`-2`). */
  topLayer?: string | number;
  /** Also probe the raw inputs (a linear classifier on pixels). Default true. */
  pixels?: boolean;
  /** Examples used (a seeded random subset of the data, drawn with core's `Rng`). Default 600. */
  sampleSize?: number;
  /** Ridge strengths tried, relative to the mean squared code norm. Default `[1e-3, 1e-2, 1e-1, 1]`. */
  ridge?: number[];
  /** Verdict `'similar'` when `score >= threshold`. Default 0.9. */
  threshold?: number;
  /** Codes longer than this are average-pooled over height and width. Default 20,000. */
  maxFeatures?: number;
  /** Seed of the subset and of the two folds (core `Rng`, a non-negative integer). Default 0. */
  seed?: number;
  /** Examples per forward pass. Default 64. */
  batchSize?: number;
}

export interface LayerProbe {
  /** Layer name, or `'input'` for the raw-input probe. */
  layer: string;
  /** Index in `model.layers` (`-1` for the raw input). */
  depth: number;
  /** Code length the probe saw. */
  features: number;
  /** Whether the codes were average-pooled over space to fit `maxFeatures`. */
  pooled: boolean;
  /** Two-fold cross-validated accuracy of the ridge probe. */
  accuracy: number;
}

export interface SimilarityResult {
  /** `(acc(top) - chance) / (acc(best probe) - chance)`, clipped to [0, 1]; 0 when no probe beats chance. */
  score: number;
  verdict: 'similar' | 'different';
  threshold: number;
  topLayer: string;
  /** The probe with the highest accuracy (`'input'` when pixels beat every layer). */
  bestLayer: string;
  /** The best probe among the model's layers (not the raw input). */
  bestModelLayer: string;
  /** 1 / number of classes seen. */
  chance: number;
  probes: LayerProbe[];
  examples: number;
  reason: string;
}

/**
 * Estimates from data how similar a target task is to what `model` learned, by **linear probes**
 * (Alain & Bengio 2016): for each probed layer, the ReLU'd codes of a small sample of the target
 * data feed a closed-form ridge classifier (one-hot least squares, solved in its dual N x N form by
 * Cholesky in float64), scored by two-fold cross-validation (the ridge strength picked by the
 * mean over both folds). The raw inputs get the same probe as a baseline.
 *
 * The score is how much of the best probe's above-chance accuracy the **top codes** keep. When
 * the top codes classify the target as well as any earlier layer and better than pixels, the
 * source's high-level features fit the new data ("similar": a linear classifier on top codes);
 * when an earlier layer or the pixels do clearly better, they are specialised to the source
 * ("different"). No probe above chance (e.g. random labels) -> score 0, `'different'`.
 *
 * `data.y` holds integer class labels `[N]` (int32). Pass the result to `recommendStrategy`
 * as `similarity`.
 *
 * @example
 * const sim = measureSimilarity(doodlenet, { x: mnistX, y: mnistY });
 * const plan = recommendStrategy({ targetSize: 100, similarity: sim, model: doodlenet });
 */
export function measureSimilarity(
  model: LayersModel,
  data: { x: tf.Tensor; y: tf.Tensor },
  options: MeasureSimilarityOptions = {},
): SimilarityResult {
  if (!data || !(data.x instanceof tf.Tensor) || !(data.y instanceof tf.Tensor)) {
    throw new ConfigError('data must be { x, y } tensors', {
      argument: 'data',
      expected: '{ x: tf.Tensor [N, ...], y: int32 labels [N] }',
      received: data,
    });
  }
  const { x, y } = data;
  if (y.rank !== 1 || x.rank < 2 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError('x and y must be [N, ...] and [N]', {
      argument: 'data.y',
      expected: `labels of shape [${x.shape[0]}]`,
      receivedText: `x ${JSON.stringify(x.shape)}, y ${JSON.stringify(y.shape)}`,
    });
  }
  if (y.dtype !== 'int32') {
    throw new DTypeError('labels must be integer class indices', {
      argument: 'data.y',
      expected: 'int32',
      received: y.dtype,
    });
  }
  const sampleSize = assertPositiveInt('options.sampleSize', options.sampleSize ?? 600);
  const threshold = assertNumber('options.threshold', options.threshold ?? 0.9, {
    min: 0,
    max: 1,
  });
  const maxFeatures = assertPositiveInt('options.maxFeatures', options.maxFeatures ?? 20000);
  const ridge = options.ridge ?? [1e-3, 1e-2, 1e-1, 1];
  if (!Array.isArray(ridge) || ridge.length === 0) {
    throw new ConfigError('ridge must be a non-empty array', {
      argument: 'options.ridge',
      expected: 'positive numbers',
      received: ridge,
    });
  }
  ridge.forEach((r, k) => {
    assertNumber(`options.ridge[${k}]`, r, { min: 0, exclusiveMin: true });
  });
  const seed = assertNumber('options.seed', options.seed ?? 0, { integer: true, min: 0 });
  const batchSize = assertPositiveInt('options.batchSize', options.batchSize ?? 64);
  const topIndex = resolveLayerIndex(model, options.topLayer ?? -2, 'options.topLayer');
  const topName = model.layers[topIndex]!.name;
  const requested = options.layers ?? [earlierLayer(model), topName];
  const indices = [
    ...new Set([
      ...requested.map((l, k) => resolveLayerIndex(model, l, `options.layers[${k}]`)),
      topIndex,
    ]),
  ].sort((a, b) => a - b);

  // Seeded subset, then labels to dense class ids.
  const labelsAll = y.dataSync() as Int32Array;
  const n0 = labelsAll.length;
  const order = new Rng(seed).permutation(n0);
  const pick = order.slice(0, Math.min(sampleSize, n0));
  const classes = [...new Set(Array.from(pick, (i) => labelsAll[i]!))].sort((a, b) => a - b);
  if (classes.length < 2 || pick.length < 4 * classes.length) {
    throw new ValueRangeError('too few examples or classes to probe', {
      argument: 'data',
      expected: 'at least 2 classes and 4 examples per class in the sample',
      received: `${pick.length} examples, ${classes.length} classes`,
    });
  }
  const labels = Int32Array.from(pick, (i) => classes.indexOf(labelsAll[i]!));
  const chance = 1 / classes.length;
  // Two folds: alternate positions of the (already random) subset.
  const foldOf = Uint8Array.from(pick, (_, k) => k % 2);

  const probes: LayerProbe[] = [];
  const xs = tf.tidy(() => tf.gather(x, Int32Array.from(pick)));
  try {
    if (options.pixels ?? true) {
      const flat = tf.tidy(() =>
        tf.reshape(tf.cast(xs, 'float32'), [pick.length, -1]),
      ) as tf.Tensor2D;
      const features = flat.shape[1];
      const acc = probeAccuracy(flat, labels, classes.length, foldOf, ridge);
      flat.dispose();
      probes.push({ layer: 'input', depth: -1, features, pooled: false, accuracy: acc });
    }
    for (const i of indices) {
      const layer = model.layers[i]!;
      const shape = layer.outputShape as number[];
      const size = shape.slice(1).reduce((a, b) => a * (b ?? 1), 1);
      const pooled = shape.length === 4 && size > maxFeatures;
      const codes = extractFeatures(model, xs, {
        layer: i,
        pool: pooled ? 'avg' : 'none',
        batchSize,
      });
      const features = codes.shape[1];
      const acc = probeAccuracy(codes, labels, classes.length, foldOf, ridge);
      codes.dispose();
      probes.push({ layer: layer.name, depth: i, features, pooled, accuracy: acc });
    }
  } finally {
    xs.dispose();
  }

  const top = probes.find((p) => p.depth === topIndex)!;
  const best = probes.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const bestModel = probes
    .filter((p) => p.depth >= 0)
    .reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  // Above chance by more than three binomial standard errors (and at least 5 points).
  const margin = Math.max(0.05, 3 * Math.sqrt((chance * (1 - chance)) / pick.length));
  const learnable = best.accuracy - chance > margin;
  const score = learnable
    ? Math.min(1, Math.max(0, (top.accuracy - chance) / (best.accuracy - chance)))
    : 0;
  const verdict = score >= threshold ? 'similar' : 'different';
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const list = probes.map((p) => `${p.layer} ${pct(p.accuracy)}`).join(', ');
  let reason: string;
  if (!learnable) {
    reason = `no linear probe beats chance (${pct(chance)}) by more than ${pct(margin)} (${list}): the model's features do not describe these labels, so treat the data as different.`;
  } else if (verdict === 'similar') {
    reason = `the top codes (${topName}) keep ${pct(score)} of the best probe's above-chance accuracy (${list}; threshold ${pct(threshold)}): the source's high-level features describe the target, so it is similar.`;
  } else {
    reason = `the top codes (${topName}) keep only ${pct(score)} of the best probe's above-chance accuracy (best: ${best.layer}; ${list}; threshold ${pct(threshold)}): the top features are specialised to the source, so the target is different.`;
  }
  return {
    score,
    verdict,
    threshold,
    topLayer: topName,
    bestLayer: best.layer,
    bestModelLayer: bestModel.layer,
    chance,
    probes,
    examples: pick.length,
    reason,
  };
}

/**
 * Two-fold accuracy of a ridge classifier on one-hot targets: train on one fold, predict the
 * other, both ways; the ridge strength with the best mean accuracy wins.
 */
function probeAccuracy(
  features: tf.Tensor2D,
  labels: Int32Array,
  numClasses: number,
  foldOf: Uint8Array,
  ridge: number[],
): number {
  const correct = new Float64Array(ridge.length);
  for (const fold of [0, 1]) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    foldOf.forEach((f, i) => {
      (f === fold ? trainIdx : testIdx).push(i);
    });
    const acc = ridgeProbe(features, labels, trainIdx, testIdx, numClasses, ridge, true);
    acc.forEach((a, k) => {
      correct[k]! += a * testIdx.length;
    });
  }
  return Math.max(...correct) / labels.length;
}

/**
 * Test accuracy, for each ridge strength, of a least-squares classifier on one-hot targets with an
 * intercept (codes and targets centred by the training rows' means; predict the argmax), fitted
 * on rows `trainIdx` of `features` and scored on rows `testIdx`. Solved in the dual:
 * `alpha = (K + lambda I)^-1 Y`, `K = Xc Xc^T`, scores `Kt alpha + mean(Y)`. With `relative`,
 * each lambda is multiplied by `trace(K) / n`. Internal; exported for the sklearn fixture test.
 */
export function ridgeProbe(
  features: tf.Tensor2D,
  labels: Int32Array,
  trainIdx: number[],
  testIdx: number[],
  numClasses: number,
  lambdas: number[],
  relative: boolean,
): number[] {
  // Gram matrices of centred codes (centred by the training rows' mean), in tfjs.
  const [kTrain, kTest] = tf.tidy(() => {
    const a = tf.gather(features, trainIdx);
    const b = tf.gather(features, testIdx);
    const mean = tf.mean(a, 0, true);
    const ac = tf.sub(a, mean);
    const bc = tf.sub(b, mean);
    return [tf.matMul(ac, ac, false, true), tf.matMul(bc, ac, false, true)];
  });
  const K = Float64Array.from(kTrain.dataSync());
  const Kt = Float64Array.from(kTest.dataSync());
  tf.dispose([kTrain, kTest]);
  const n = trainIdx.length;
  const m = testIdx.length;
  // Centred one-hot targets.
  const freq = new Float64Array(numClasses);
  for (const i of trainIdx) freq[labels[i]!]! += 1 / n;
  const Y = new Float64Array(n * numClasses);
  trainIdx.forEach((i, r) => {
    for (let c = 0; c < numClasses; c++)
      Y[r * numClasses + c] = (labels[i] === c ? 1 : 0) - freq[c]!;
  });
  let trace = 0;
  for (let i = 0; i < n; i++) trace += K[i * n + i]!;
  const scale = relative ? trace / n || 1 : 1;
  return lambdas.map((r) => {
    const alpha = ridgeSolve(K, Y, { lambda: r * scale, columns: numClasses });
    let correct = 0;
    for (let t = 0; t < m; t++) {
      let bestC = 0;
      let bestV = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < numClasses; c++) {
        let v = freq[c]!;
        for (let j = 0; j < n; j++) v += Kt[t * n + j]! * alpha[j * numClasses + c]!;
        if (v > bestV) {
          bestV = v;
          bestC = c;
        }
      }
      if (bestC === labels[testIdx[t]!]) correct++;
    }
    return correct / m;
  });
}

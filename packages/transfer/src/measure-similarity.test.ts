import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, Rng } from '@trainkit/core';
import { errorCode, expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { measureSimilarity, ridgeProbe } from './measure-similarity';
import { recommendStrategy } from './recommend-strategy';

/**
 * A "pretrained" net with known features: 16 inputs -> `early` (identity: all 16 inputs) ->
 * `top` (inputs 0 and 1 only) -> `cls`. A target whose labels depend on inputs 0/1 is what the
 * top codes describe (similar); one whose labels depend on inputs 2/3 is invisible to them but
 * visible to the early layer and the pixels (different).
 */
function knownFeatures(): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 16, inputShape: [16], name: 'early' }),
      tfl.layers.dense({ units: 2, name: 'top' }),
      tfl.layers.dense({ units: 2, name: 'cls' }),
    ],
  });
  const select = tf.buffer([16, 2]);
  select.set(1, 0, 0);
  select.set(1, 1, 1);
  m.setWeights([
    tf.eye(16),
    tf.zeros([16]),
    select.toTensor(),
    tf.zeros([2]),
    tf.ones([2, 2]),
    tf.zeros([2]),
  ]);
  return m;
}

/** N inputs uniform in [0, 1) from a fixed LCG (no dependence on tf's RNG). */
function uniform(n: number, d: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n * d }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  });
}

describe('measureSimilarity', () => {
  const N = 400;
  const xs = uniform(N, 16, 7);
  const labelBy = (f: (row: Float32Array) => number) =>
    Int32Array.from({ length: N }, (_, i) => f(xs.subarray(i * 16, i * 16 + 16)));

  it('calls a target similar when the top codes carry its labels', async () => {
    const model = knownFeatures();
    const x = tf.tensor2d(xs, [N, 16]);
    const y = tf.tensor1d(
      labelBy((r) => (r[0]! > r[1]! ? 1 : 0)),
      'int32',
    );
    const sim = await expectNoLeaks(() =>
      measureSimilarity(model, { x, y }, { layers: ['early', 'top'], sampleSize: 300 }),
    );
    expect(sim.verdict).toBe('similar');
    expect(sim.topLayer).toBe('top');
    expect(sim.probes.map((p) => p.layer)).toEqual(['input', 'early', 'top']);
    // a linear rule of the top codes: every probe is near perfect
    for (const p of sim.probes) expect(p.accuracy).toBeGreaterThan(0.9);
    expect(sim.score).toBeGreaterThan(0.95);
    expect(sim.examples).toBe(300);
    expect(sim.chance).toBe(0.5);
    const plan = recommendStrategy({ targetSize: 50, similarity: sim, model });
    expect(plan.case).toBe('small-similar');
    expect(plan.layerName).toBe('top');
    expect(plan.reason).toMatch(/measured similarity/);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('calls a target different when only earlier layers (and pixels) carry its labels', () => {
    const model = knownFeatures();
    const x = tf.tensor2d(xs, [N, 16]);
    const y = tf.tensor1d(
      labelBy((r) => (r[2]! > r[3]! ? 1 : 0)),
      'int32',
    );
    const sim = measureSimilarity(model, { x, y }, { layers: ['early', 'top'] });
    expect(sim.verdict).toBe('different');
    const acc = Object.fromEntries(sim.probes.map((p) => [p.layer, p.accuracy]));
    expect(acc.early).toBeGreaterThan(0.9);
    expect(acc.input).toBeGreaterThan(0.9);
    // inputs 0/1 are independent of the label: the top probe is at chance
    expect(acc.top).toBeLessThan(0.62);
    expect(sim.score).toBeLessThan(0.3);
    expect(sim.bestModelLayer).toBe('early');
    expect(sim.reason).toMatch(/specialised to the source/);
    const plan = recommendStrategy({ targetSize: 50, similarity: sim, model });
    expect(plan.case).toBe('small-different');
    // the best probed layer becomes the code layer
    expect(plan.layerName).toBe('early');
    expect(recommendStrategy({ targetSize: 1000, similarity: sim }).case).toBe('large-different');
    tf.dispose([x, y]);
    model.dispose();
  });

  it('scores random labels 0 (nothing transfers)', () => {
    const model = knownFeatures();
    const x = tf.tensor2d(xs, [N, 16]);
    let s = 3;
    const y = tf.tensor1d(
      Int32Array.from({ length: N }, () => {
        s = (s * 1103515245 + 12345) % 2147483648;
        return Math.floor((s / 2147483648) * 4);
      }),
      'int32',
    );
    const sim = measureSimilarity(model, { x, y }, { layers: ['early', 'top'] });
    expect(sim.score).toBe(0);
    expect(sim.verdict).toBe('different');
    expect(sim.chance).toBe(0.25);
    expect(sim.reason).toMatch(/no linear probe beats chance/);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('probes default to the earlier layer and the top codes, and pools wide spatial codes', () => {
    const layers = [
      tfl.layers.conv2d({
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        inputShape: [8, 8, 1],
        name: 'c0',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'p0' }),
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c1' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ units: 6, activation: 'relu', name: 'fc' }),
      tfl.layers.dense({ units: 3, name: 'cls' }),
    ];
    const model = tfl.sequential({ layers });
    const x = tf.randomUniform([60, 8, 8, 1], 0, 1, 'float32', 1);
    const y = tf.tensor1d(
      Int32Array.from({ length: 60 }, (_, i) => i % 3),
      'int32',
    );
    const sim = measureSimilarity(model, { x, y }, { maxFeatures: 40, pixels: false });
    // earlierLayer: two thirds up the spatial layers (c0, p0, c1) -> p0
    expect(sim.probes.map((p) => [p.layer, p.features, p.pooled])).toEqual([
      ['p0', 4, true], // 4x4x4 = 64 > 40 -> average-pooled to 4 channels
      ['fc', 6, false],
    ]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad data with typed errors', () => {
    const model = knownFeatures();
    const x = tf.zeros([10, 16]);
    const yf = tf.zeros([10]);
    const y5 = tf.zeros([5], 'int32');
    expect(errorCode(() => measureSimilarity(model, { x, y: yf }))).toBe('DTYPE');
    expect(errorCode(() => measureSimilarity(model, { x, y: y5 }))).toBe('SHAPE');
    expect(() => measureSimilarity(model, { x } as never)).toThrow(ConfigError);
    expect(() =>
      measureSimilarity(model, { x, y: tf.zeros([10], 'int32') }, { layers: ['nope'] }),
    ).toThrow(/options.layers\[0\]|no layer/);
    tf.dispose([x, yf, y5]);
    model.dispose();
  });

  it("draws its subset with core's Rng: the first sampleSize of new Rng(seed).permutation(n)", () => {
    const model = knownFeatures();
    const x = tf.tensor2d(xs, [N, 16]);
    // Examples outside the expected subset carry a third class: one of them in the sample
    // would make chance 1/3 instead of 1/2.
    const inSubset = new Set(new Rng(5).permutation(N).slice(0, 300));
    const rule = labelBy((r) => (r[0]! > r[1]! ? 1 : 0));
    const y = tf.tensor1d(
      rule.map((v, i) => (inSubset.has(i) ? v : 2)),
      'int32',
    );
    const opts = { layers: ['top'], sampleSize: 300, seed: 5 };
    const sim = measureSimilarity(model, { x, y }, opts);
    expect(sim.chance).toBe(0.5);
    expect(measureSimilarity(model, { x, y }, { ...opts, seed: 6 }).chance).toBeCloseTo(1 / 3);
    expect(errorCode(() => measureSimilarity(model, { x, y }, { ...opts, seed: -1 }))).toBe(
      'RANGE',
    );
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('ridgeProbe', () => {
  it("matches scikit-learn's RidgeClassifier (fixture) for every ridge strength", () => {
    const fx = JSON.parse(
      readFileSync(new URL('../fixtures/ridge-probe.json', import.meta.url), 'utf8'),
    ) as {
      x: number[][];
      labels: number[];
      numClasses: number;
      train: number[];
      test: number[];
      lambdas: number[];
      accuracy: number[];
    };
    const x = tf.tensor2d(fx.x);
    const acc = ridgeProbe(
      x,
      Int32Array.from(fx.labels),
      fx.train,
      fx.test,
      fx.numClasses,
      fx.lambdas,
      false,
    );
    for (const [k, a] of acc.entries()) expect(a).toBeCloseTo(fx.accuracy[k]!, 10);
    x.dispose();
  });
});

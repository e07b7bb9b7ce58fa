import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { constant, zeros } from './constant';
import type { Initializer } from './initializer';
import { glorotNormal, lecunNormal } from './presets';
import { toLayersInitializer } from './to-layers-initializer';

const HIDDEN = 6;

/** A 5 -> 6 (sigmoid or tanh) -> 3 softmax net trained `steps` full-batch SGD steps. */
async function train(init: () => Initializer, activation: 'sigmoid' | 'tanh', steps: number) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [5],
        units: HIDDEN,
        activation,
        kernelInitializer: toLayersInitializer(init()),
        biasInitializer: toLayersInitializer(init()),
      }),
      tfl.layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: toLayersInitializer(init()),
        biasInitializer: toLayersInitializer(init()),
      }),
    ],
  });
  const before = model.getWeights().map((w) => w.arraySync());
  const x = tf.randomNormal([64, 5], 0, 1, 'float32', 11);
  const labels = tf.tidy(() =>
    tf.oneHot(tf.argMax(tf.matMul(x, tf.randomNormal([5, 3], 0, 1, 'float32', 12)), 1), 3),
  );
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  const h = await model.fit(x, labels, {
    epochs: steps,
    batchSize: 64,
    shuffle: false,
    verbose: 0,
  });
  const [k1, b1, k2] = model.getWeights().map((w) => w.arraySync()) as [
    number[][],
    number[],
    number[][],
  ];
  const losses = h.history.loss as number[];
  tf.dispose([x, labels]);
  model.dispose();
  return { k1, b1, k2, before: before as [number[][], number[], number[][]], losses };
}

/** Largest difference between hidden unit j's weights and unit 0's (incoming, bias, outgoing). */
function unitSpread(k1: number[][], b1: number[], k2: number[][]): number {
  let spread = 0;
  for (let j = 1; j < HIDDEN; j++) {
    for (const row of k1) spread = Math.max(spread, Math.abs(row[j]! - row[0]!));
    spread = Math.max(spread, Math.abs(b1[j]! - b1[0]!));
    k2[j]!.forEach((v, c) => {
      spread = Math.max(spread, Math.abs(v - k2[0]![c]!));
    });
  }
  return spread;
}

const changed = (a: number[][], b: number[][]) =>
  Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));

describe('zero or constant initialisation never breaks symmetry (CS231n)', () => {
  it('zeros(): 40 SGD steps later every hidden unit still has the same weights', async () => {
    const r = await train(() => zeros(), 'sigmoid', 40);
    // Training did move the weights (sigmoid(0) = 0.5 gives the output layer a gradient) ...
    expect(changed(r.k2, r.before[2])).toBeGreaterThan(0.1);
    expect(changed(r.k1, r.before[0])).toBeGreaterThan(1e-3);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]!);
    // ... but all six hidden units are one unit copied six times.
    expect(unitSpread(r.k1, r.b1, r.k2)).toBeLessThan(1e-6);
  });

  it('constant({ value: 0.1 }) with tanh: the same, only the constant differs', async () => {
    const r = await train(() => constant({ value: 0.1 }), 'tanh', 40);
    expect(changed(r.k1, r.before[0])).toBeGreaterThan(1e-3);
    expect(unitSpread(r.k1, r.b1, r.k2)).toBeLessThan(1e-6);
  });

  it('a random init (the control) gives distinct units', async () => {
    let seed = 0;
    const r = await train(() => glorotNormal({ rng: seed++ }), 'tanh', 5);
    expect(unitSpread(r.k1, r.b1, r.k2)).toBeGreaterThan(0.1);
  });
});

describe('the two "Xavier"s (docs)', () => {
  it("lecunNormal has the lecture's Var = 1/fanIn, glorotNormal 2/(fanIn + fanOut)", async () => {
    const shape = [300, 100];
    const variance = async (init: Initializer) => {
      const w = init(shape);
      const m = tf.moments(w);
      const v = (await m.variance.data())[0] as number;
      tf.dispose([w, m.mean, m.variance]);
      return v;
    };
    // 30,000 draws: the sample variance is within ~1% (sd sqrt(2/30000) ~ 0.8%) of the truth.
    const lecun = await variance(lecunNormal({ rng: 1, distribution: 'normal' }));
    const glorot = await variance(glorotNormal({ rng: 1, distribution: 'normal' }));
    expect(lecun / (1 / 300)).toBeGreaterThan(0.96);
    expect(lecun / (1 / 300)).toBeLessThan(1.04);
    expect(glorot / (2 / 400)).toBeGreaterThan(0.96);
    expect(glorot / (2 / 400)).toBeLessThan(1.04);
  });
});

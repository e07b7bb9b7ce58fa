import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { activationStats } from './activation-stats';
import type { Initializer } from './initializer';
import { glorotNormal, heNormal } from './presets';
import { smallRandom } from './small-random';
import { toLayersInitializer } from './to-layers-initializer';

describe('activationStats', () => {
  it('reports mean, std, zeros and histogram per layer (hand-computed)', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [2],
          units: 2,
          kernelInitializer: 'ones',
          biasInitializer: tfl.initializers.constant({ value: -3 }),
        }),
        tfl.layers.activation({ activation: 'relu', name: 'relu_probe' }),
      ],
    });
    // x rows sum to 1, 3, 5, 7 -> dense outputs (both units) -2, 0, 2, 4 -> relu 0, 0, 2, 4.
    const x = tf.tensor2d([
      [1, 0],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    const [dense, relu] = await activationStats(model, x, { bins: 4 });
    expect(dense!.mean).toBeCloseTo(1, 6);
    expect(dense!.std).toBeCloseTo(Math.sqrt(5), 5); // values -2, 0, 2, 4
    expect(dense!.fractionZero).toBeCloseTo(0.25, 6);
    expect(dense!.edges).toEqual([-2, -0.5, 1, 2.5, 4]);
    expect(dense!.counts).toEqual([2, 2, 2, 2]);
    expect(relu!.name).toBe('relu_probe');
    expect(relu!.fractionZero).toBeCloseTo(0.5, 6);
    expect(relu!.mean).toBeCloseTo(1.5, 6);
    expect([relu!.min, relu!.max]).toEqual([0, 4]);
    const fixed = await activationStats(model, x, { bins: 2, range: [0, 2] });
    expect(fixed[1]!.counts).toEqual([4, 4]); // 0, 0 | 2, 4 (4 clipped into the last bin)
    x.dispose();
    model.dispose();
  });

  it('rejects bad arguments with typed errors', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] });
    const x = tf.ones([2, 2]);
    await expect(activationStats({} as tfl.LayersModel, x)).rejects.toMatchObject({
      argument: 'model',
      code: 'CONFIG',
    });
    await expect(activationStats(model, [1, 2] as unknown as tf.Tensor)).rejects.toMatchObject({
      argument: 'x',
    });
    await expect(activationStats(model, x, { bins: 0 })).rejects.toMatchObject({
      argument: 'bins',
      code: 'RANGE',
    });
    await expect(activationStats(model, x, { range: [1, 1] })).rejects.toMatchObject({
      argument: 'range[1]',
    });
    await expect(
      activationStats(model, x, { range: [1] as unknown as [number, number] }),
    ).rejects.toMatchObject({ argument: 'range' });
    x.dispose();
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [3], units: 4, activation: 'tanh' })],
    });
    const x = tf.ones([5, 3]);
    await expectNoLeaks(() => activationStats(model, x));
    x.dispose();
    model.dispose();
  });
});

// CS231n lecture 6's experiment, small: a 10-layer MLP on unit-Gaussian data.
describe('the initialization experiment (10 layers, width 200)', () => {
  const depth = 10;
  const width = 200;
  async function stds(activation: 'tanh' | 'relu', init: (layer: number) => Initializer) {
    const model = tfl.sequential();
    for (let l = 0; l < depth; l++) {
      model.add(
        tfl.layers.dense({
          ...(l === 0 ? { inputShape: [width] } : {}),
          units: width,
          activation,
          kernelInitializer: toLayersInitializer(init(l)),
        }),
      );
    }
    const x = tf.tensor2d(new Rng(99).normalArray(500 * width), [500, width]);
    const stats = await activationStats(model, x);
    x.dispose();
    model.dispose();
    // Second moment about zero would also do; std is what the lecture plots.
    return stats.map((s) => s.std);
  }

  it('tanh + small random (std 0.01): activations collapse toward 0 by layer 10', async () => {
    const s = await stds('tanh', (l) => smallRandom({ std: 0.01, rng: l }));
    // Each layer multiplies the std by about 0.01 * sqrt(200) ~ 0.14.
    for (let l = 1; l < depth; l++) expect(s[l]! / s[l - 1]!).toBeLessThan(0.2);
    expect(s[depth - 1]!).toBeLessThan(1e-7);
  });

  it('tanh + Xavier: the std stays healthy through 10 layers', async () => {
    const s = await stds('tanh', (l) => glorotNormal({ rng: l }));
    expect(s[depth - 1]!).toBeGreaterThan(0.2);
    expect(s[depth - 1]! / s[0]!).toBeGreaterThan(0.3);
  });

  it('ReLU + He keeps the variance; ReLU + Xavier halves it every layer', async () => {
    const he = await stds('relu', (l) => heNormal({ rng: l }));
    const xavier = await stds('relu', (l) => glorotNormal({ rng: l }));
    const ratio = (s: number[]) => {
      let r = 0;
      for (let l = 1; l < depth; l++) r += (s[l]! / s[l - 1]!) ** 2;
      return r / (depth - 1); // mean variance ratio between consecutive layers
    };
    expect(ratio(he)).toBeGreaterThan(0.8);
    expect(ratio(he)).toBeLessThan(1.25);
    expect(ratio(xavier)).toBeGreaterThan(0.4);
    expect(ratio(xavier)).toBeLessThan(0.6);
    expect(he[depth - 1]! / he[0]!).toBeGreaterThan(0.5);
    expect(xavier[depth - 1]! / xavier[0]!).toBeLessThan(0.1); // ~ (1/sqrt 2)^9 = 0.044
  });
});

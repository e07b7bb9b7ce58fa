import type * as tfl from '@tensorflow/tfjs-layers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { buildModel } from './models';
import type { TrainConfig } from './protocol';

const base: TrainConfig = {
  architecture: 'cnn',
  init: 'default',
  batchNorm: false,
  l2: 0,
  dropout: 0,
  augment: false,
  patience: 0,
  optimizer: 'sgd',
  learningRate: 0.01,
  schedule: 'constant',
  epochs: 1,
  batchSize: 8,
  trainSize: 8,
  valSize: 8,
  seed: 0,
  every: 1,
};
const classes = (m: tfl.LayersModel) => m.layers.map((l) => l.getClassName());

describe('buildModel', () => {
  it('builds the small CNN with hand-counted weights: 80 + 1,168 + 4,010', () => {
    // conv 3x3x1x8 + 8; conv 3x3x8x16 + 16; 28 -> 26 -> 13 -> 11 -> 5: dense 5*5*16 x 10 + 10.
    const m = buildModel(base, [28, 28, 1], 10);
    expect(m.countParams()).toBe(80 + 1168 + 4010);
    expect(m.outputs[0]!.shape).toEqual([null, 10]);
    m.dispose();
  });

  it('puts batch norm after each conv and dropout before the classifier (LeNet-5: 61,706 + 4 x 142)', () => {
    const m = buildModel(
      { ...base, architecture: 'lenet5', batchNorm: true, dropout: 0.5 },
      [28, 28, 1],
      10,
    );
    // LeNet-5 (28x28, same padding) has 61,706 weights; BN adds gamma, beta, mean, variance per
    // channel of c1 (6), c3 (16), c5 (120).
    expect(m.countParams()).toBe(61706 + 4 * (6 + 16 + 120));
    const kinds = classes(m);
    expect(kinds.filter((k) => k === 'TrainkitBatchNormalization')).toHaveLength(3);
    expect(kinds.indexOf('TrainkitSeededDropout')).toBe(kinds.length - 2);
    m.dispose();
  });

  it('gives every layer a single output (monitors probe each one)', () => {
    const m = buildModel({ ...base, batchNorm: true }, [28, 28, 1], 10);
    for (const l of m.layers) expect(() => l.output).not.toThrow();
    m.dispose();
  });

  it('builds the small ResNet with a dropout + dense head for the dataset classes', () => {
    const m = buildModel({ ...base, architecture: 'resnet', dropout: 0.2 }, [28, 28, 1], 4);
    expect(m.outputs[0]!.shape).toEqual([null, 4]);
    expect(classes(m)).toContain('TrainkitSeededDropout');
    m.dispose();
  });

  it('re-initializes kernels: small random has std 0.01, biases stay zero', async () => {
    const m = buildModel({ ...base, init: 'small' }, [28, 28, 1], 10);
    const kernel = m.getLayer('conv2').getWeights()[0]!;
    const v = Array.from(await kernel.data());
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    // 1,152 draws of N(0, 0.01^2): the sample std is within 10% of 0.01 with overwhelming odds.
    expect(std).toBeGreaterThan(0.009);
    expect(std).toBeLessThan(0.011);
    expect([...(await m.getLayer('conv2').getWeights()[1]!.data())].every((b) => b === 0)).toBe(
      true,
    );
    m.dispose();
  });

  it('refuses LeNet-5 on images smaller than 28x28 with a ConfigError', () => {
    expect(() => buildModel({ ...base, architecture: 'lenet5' }, [8, 8, 1], 10)).toThrow(/28x28/);
  });

  it('leaks nothing once the model is disposed', async () => {
    await expectNoLeaks(() =>
      buildModel(
        { ...base, batchNorm: true, dropout: 0.3, init: 'heNormal' },
        [28, 28, 1],
        10,
      ).dispose(),
    );
  });
});

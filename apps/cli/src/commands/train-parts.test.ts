import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error';
import { OPTIMIZERS, SCHEDULES } from './specs';
import {
  architectureOptions,
  augmentation,
  buildModel,
  buildOptimizer,
  initialize,
  initializerName,
  type TrainOptions,
} from './train-parts';

const base: TrainOptions = {
  dataset: 'embedded',
  backend: 'cpu',
  seed: 1,
  arch: 'lenet5',
  archOptions: {},
  normalize: 'unit',
  init: 'default',
  optimizer: 'adam',
  lr: 1e-3,
  schedule: 'constant',
  epochs: 1,
  batchSize: 8,
  validation: 0,
};

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'no error';
};

describe('architectureOptions', () => {
  it('takes the input shape and classes from the data and asks for logits', () => {
    expect(architectureOptions(base, [28, 28, 1], 10)).toEqual({
      inputShape: [28, 28, 1],
      numClasses: 10,
      outputActivation: 'linear',
      variant: 'modern',
    });
    const vgg = architectureOptions(
      { ...base, arch: 'vgg', batchNorm: true, dropout: 0.3 },
      [32, 32, 3],
      4,
    );
    expect(vgg).toMatchObject({ batchNorm: true, dropout: 0.3, numClasses: 4 });
  });

  it('refuses data that is not images, or does not match a given inputShape', () => {
    expect(message(() => architectureOptions(base, [64], 10))).toBe(
      "ShapeError: --dataset: the dataset's examples do not fit lenet5; expected images [height, width, channels] for lenet5 (pass --csv-shape for CSV data); received examples of shape [64]",
    );
    expect(
      message(() =>
        architectureOptions({ ...base, archOptions: { inputShape: [32, 32, 3] } }, [28, 28, 1], 10),
      ),
    ).toMatch(
      /^ShapeError: --dataset: .*expected examples of shape \[32, 32, 3\].*received \[28, 28, 1\]/,
    );
  });

  it('says which architectures have batch norm and dropout', () => {
    expect(
      message(() => architectureOptions({ ...base, batchNorm: true }, [28, 28, 1], 10)),
    ).toMatch(/^UsageError: --batch-norm: lenet5 has no batch-norm variant/);
    expect(message(() => architectureOptions({ ...base, dropout: 0.5 }, [28, 28, 1], 10))).toMatch(
      /^UsageError: --dropout: lenet5 has no dropout layer/,
    );
    // The ResNets always have batch norm: nothing to switch on, no error.
    expect(
      architectureOptions({ ...base, arch: 'smallResnet', batchNorm: true }, [32, 32, 3], 10),
    ).not.toHaveProperty('batchNorm');
  });
});

describe('initialize', () => {
  it("uses the seeded twin of the builder's initializer", () => {
    expect(initializerName('default', 'lenet5', {})).toBe('glorotUniform');
    expect(initializerName('default', 'resnet', {})).toBe('heNormal');
    expect(initializerName('default', 'vgg', { kernelInitializer: 'leCunNormal' })).toBe(
      'lecunNormal',
    );
    expect(initializerName('default', 'vgg', { kernelInitializer: 'zeros' })).toBeUndefined();
    expect(initializerName('orthogonal', 'lenet5', {})).toBe('orthogonal');
  });

  it('gives the same kernels for the same seed, within the Glorot bound, leaking nothing', async () => {
    const opts = architectureOptions(base, [28, 28, 1], 10);
    const a = buildModel('lenet5', opts);
    const b = buildModel('lenet5', opts);
    const c = buildModel('lenet5', opts);
    try {
      expect(await expectNoLeaks(() => initialize(a, 'glorotUniform', 7))).toBe(5);
      initialize(b, 'glorotUniform', 7);
      initialize(c, 'glorotUniform', 8);
      const c1 = (m: typeof a) => m.getLayer('c1').getWeights()[0] as tf.Tensor;
      const wa = await c1(a).data();
      expect(Array.from(await c1(b).data())).toEqual(Array.from(wa));
      expect(Array.from(await c1(c).data())).not.toEqual(Array.from(wa));
      // Glorot & Bengio 2010: U(-l, l), l = sqrt(6 / (fanIn + fanOut)); c1 is 5x5x1 -> 6.
      const limit = Math.sqrt(6 / (25 * 1 + 25 * 6));
      expect(Math.max(...Array.from(wa, Math.abs))).toBeLessThanOrEqual(limit);
      expect(Math.max(...Array.from(wa, Math.abs))).toBeGreaterThan(0.5 * limit);
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });
});

describe('buildOptimizer and augmentation', () => {
  it('anneals the learning rate as lr / (1 + t) with --schedule inverse-time (t in epochs)', () => {
    // Plain SGD: the update of a weight whose gradient is 1 is -lr(step).
    const opt = buildOptimizer(
      { ...base, optimizer: 'sgd', lr: 0.3, schedule: 'inverse-time' },
      100,
      10,
    );
    const w = { w: tf.variable(tf.zeros([1])) };
    const state = opt.init(w);
    const g = { w: tf.ones([1]) };
    const lrAt = (step: number) => {
      const out = opt.update(g, state, w, { step });
      const lr = -(out.updates.w as tf.Tensor).dataSync()[0]!;
      tf.dispose([...Object.values(out.updates), ...Object.values(out.state)]);
      return lr;
    };
    expect(lrAt(0)).toBeCloseTo(0.3, 6);
    expect(lrAt(10)).toBeCloseTo(0.3 / 2, 6); // after one epoch of 10 steps
    expect(lrAt(25)).toBeCloseTo(0.3 / 3.5, 6);
    expect(lrAt(90)).toBeCloseTo(0.3 / 10, 6);
    tf.dispose([w.w, g.w, ...Object.values(state)]);
  });

  it('builds each optimizer and schedule, and refuses weight decay where it has no meaning', () => {
    for (const optimizer of OPTIMIZERS) {
      for (const schedule of SCHEDULES) {
        const opt = buildOptimizer({ ...base, optimizer, schedule, warmup: 2, clip: 1 }, 100, 10);
        expect(typeof opt.update).toBe('function');
      }
    }
    expect(() =>
      buildOptimizer({ ...base, optimizer: 'rmsprop', weightDecay: 1e-4 }, 10, 1),
    ).toThrow(UsageError);
  });

  it('parses the augmentation list and names a wrong entry', async () => {
    expect(augmentation(undefined, 0)).toBeUndefined();
    const aug = augmentation('flip, crop,translate,rotate,cutout', 3)!;
    const x = tf.ones([2, 12, 12, 1]) as tf.Tensor4D;
    await expectNoLeaks(() => aug(x).dispose(), 'augmentation');
    const y = aug(x);
    expect(y.shape).toEqual([2, 12, 12, 1]);
    tf.dispose([x, y]);
    expect(message(() => augmentation('flip,mixup', 0))).toBe(
      'UsageError: invalid value for --augment: "mixup" (expected a comma-separated list of flip, crop, translate, rotate, cutout)',
    );
  });
});

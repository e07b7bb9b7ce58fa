import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  BatchNormalization,
  batchNormalization,
  registerBatchNormalization,
} from './batch-normalization';
import { recomputeStatistics } from './recompute-statistics';

interface Case {
  momentum: number;
  epsilon: number;
  gamma: number[];
  beta: number[];
  batches: number[][];
  last: { y: number[]; upstream: number[]; dx: number[]; dgamma: number[]; dbeta: number[] };
  running_mean: number[];
  running_var_unbiased: number[];
  running_var_biased: number[];
  cumulative_mean: number[];
  cumulative_var_unbiased: number[];
  x_eval: number[];
  y_eval: number[];
}
// PyTorch 1.13 references made by scripts/make_fixtures.py (float64, stored NHWC).
const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/batchnorm.json', import.meta.url), 'utf8'),
) as { dense: Case; conv: Case };

const close = (got: tf.Tensor | Float32Array | number[], want: unknown, tol = 2e-5) => {
  const g = Array.from(got instanceof tf.Tensor ? got.dataSync() : got);
  const w = (want as unknown[]).flat(4) as number[];
  expect(g.length).toBe(w.length);
  const err = Math.max(...g.map((v, i) => Math.abs(v - w[i]!)));
  expect(err).toBeLessThanOrEqual(tol);
};

function makeLayer(c: Case, shape: number[], varianceCorrection: 'biased' | 'unbiased') {
  const layer = batchNormalization({
    momentum: c.momentum,
    epsilon: c.epsilon,
    varianceCorrection,
  });
  layer.build([null, ...shape.slice(1)]);
  layer.setWeights([
    tf.tensor(c.gamma),
    tf.tensor(c.beta),
    tf.zeros([c.gamma.length]),
    tf.ones([c.gamma.length]),
  ]);
  return layer;
}

const shapes = { dense: [6, 3], conv: [4, 3, 3, 2] };

describe('BatchNormalization against PyTorch', () => {
  for (const kind of ['dense', 'conv'] as const) {
    const c = fixtures[kind];
    const shape = shapes[kind];
    it(`${kind}: training output, running stats (momentum 1 - a), eval output, gradients`, () => {
      const layer = makeLayer(c, shape, 'unbiased');
      const xs = c.batches.map((b) => tf.tensor(b.flat(4) as number[], shape));
      for (const x of xs.slice(0, -1)) tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
      const xVar = tf.variable(xs[xs.length - 1]!);
      const g = tf.tensor(c.last.upstream.flat(4) as number[], shape);
      let y: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        y = tf.keep(layer.apply(xVar, { training: true }) as tf.Tensor);
        return tf.sum(tf.mul(y, g)) as tf.Scalar;
      }, [xVar, layer.gamma!.read() as tf.Variable, layer.beta!.read() as tf.Variable]);
      close(y!, c.last.y);
      close(grads[xVar.name]!, c.last.dx, 1e-4);
      close(grads[(layer.gamma!.read() as tf.Variable).name]!, c.last.dgamma, 1e-4);
      close(grads[(layer.beta!.read() as tf.Variable).name]!, c.last.dbeta, 1e-4);
      close(layer.movingMean.read(), c.running_mean);
      close(layer.movingVariance.read(), c.running_var_unbiased);
      const yEval = layer.apply(tf.tensor(c.x_eval.flat(4) as number[], shape)) as tf.Tensor;
      close(yEval, c.y_eval);
      tf.dispose([...xs, xVar, g, y!, yEval, ...Object.values(grads)]);
    });

    it(`${kind}: biased moving variance (Keras convention) by default`, () => {
      const layer = makeLayer(c, shape, 'biased');
      for (const b of c.batches) {
        tf.tidy(() => {
          layer.apply(tf.tensor(b.flat(4) as number[], shape), { training: true });
        });
      }
      close(layer.movingMean.read(), c.running_mean);
      close(layer.movingVariance.read(), c.running_var_biased);
      expect(batchNormalization().varianceCorrection).toBe('biased');
    });

    it(`${kind}: recomputeStatistics = PyTorch momentum=None cumulative average`, async () => {
      const layer = batchNormalization({ epsilon: c.epsilon, varianceCorrection: 'unbiased' });
      const model = tfl.sequential({
        layers: [tfl.layers.inputLayer({ inputShape: shape.slice(1) }), layer],
      });
      const xs = c.batches.map((b) => tf.tensor(b.flat(4) as number[], shape));
      await expectNoLeaks(async () => {
        expect(await recomputeStatistics(model, xs)).toBe(3);
      });
      close(layer.movingMean.read(), c.cumulative_mean);
      close(layer.movingVariance.read(), c.cumulative_var_unbiased);
      expect(layer.cumulativeCount).toBeNull();
      tf.dispose(xs);
      model.dispose();
    });
  }
});

describe('BatchNormalization behaviour', () => {
  const x = () =>
    tf.tensor2d([
      [1, 10],
      [3, 20],
      [5, 60],
    ]);

  it('uses moving statistics in training when frozen (trainable = false) and does not update them', () => {
    const layer = batchNormalization({ epsilon: 1e-3 });
    layer.build([null, 2]);
    layer.setWeights([
      tf.tensor([2, 1]),
      tf.tensor([0.5, 0]),
      tf.tensor([1, 10]),
      tf.tensor([4, 100]),
    ]);
    layer.trainable = false;
    expect(layer.trainableWeights).toHaveLength(0);
    const y = tf.tidy(() => layer.apply(x(), { training: true }) as tf.Tensor);
    // hand: channel 0: 2 (x - 1) / sqrt(4.001) + 0.5; channel 1: (x - 10) / sqrt(100.001)
    const s0 = 2 / Math.sqrt(4.001);
    const s1 = 1 / Math.sqrt(100.001);
    close(y, [0 * s0 + 0.5, 0, 2 * s0 + 0.5, 10 * s1, 4 * s0 + 0.5, 50 * s1], 1e-5);
    close(layer.movingMean.read(), [1, 10], 0);
    close(layer.movingVariance.read(), [4, 100], 0);
    // Unfrozen, the same call normalizes by the batch: channel 0 mean 3, biased var 8/3.
    layer.trainable = true;
    const z = tf.tidy(() => layer.apply(x(), { training: true }) as tf.Tensor);
    const t0 = 2 / Math.sqrt(8 / 3 + 1e-3);
    expect(z.dataSync()[0]).toBeCloseTo(-2 * t0 + 0.5, 5);
    close(layer.movingMean.read(), [0.99 * 1 + 0.01 * 3, 0.99 * 10 + 0.01 * 30], 1e-5);
    tf.dispose([y, z]);
  });

  it('in inference mode is a fixed affine map: dx = g gamma / sqrt(var + eps), dgamma, dbeta closed forms', () => {
    const layer = batchNormalization({ epsilon: 0.5 });
    layer.build([null, 2]);
    layer.setWeights([
      tf.tensor([2, -1]),
      tf.tensor([0.5, 1]),
      tf.tensor([1, -1]),
      tf.tensor([1.5, 3.5]),
    ]);
    const input = tf.tensor2d([
      [1, 2],
      [3, -4],
    ]);
    const g = tf.tensor2d([
      [1, 2],
      [-1, 0.5],
    ]);
    const gammaVar = layer.gamma!.read() as tf.Variable;
    const betaVar = layer.beta!.read() as tf.Variable;
    const dx = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(layer.apply(x, { training: false }) as tf.Tensor, g)),
    )(input);
    // 1 / sqrt(var + eps) = [1 / sqrt(2), 1 / 2]
    const r = [1 / Math.sqrt(2), 0.5];
    close(dx, [1 * 2 * r[0]!, 2 * -1 * r[1]!, -1 * 2 * r[0]!, 0.5 * -1 * r[1]!], 1e-6);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply(input, { training: false }) as tf.Tensor, g)) as tf.Scalar,
      [gammaVar, betaVar],
    );
    // dgamma_c = sum_n g (x - mu) / sqrt(var + eps); dbeta_c = sum_n g
    close(grads[gammaVar.name]!, [(1 * 0 + -1 * 2) * r[0]!, (2 * 3 + 0.5 * -3) * r[1]!], 1e-6);
    close(grads[betaVar.name]!, [0, 2.5], 1e-6);
    tf.dispose([input, g, dx, ...Object.values(grads)]);
  });

  it('without center/scale has no gamma/beta and outputs zero-mean unit-variance channels', () => {
    const layer = batchNormalization({ center: false, scale: false, epsilon: 1e-6 });
    const y = tf.tidy(() => layer.apply(x(), { training: true }) as tf.Tensor);
    expect(layer.weights.map((w) => w.originalName)).toEqual(
      ['moving_mean', 'moving_variance'].map((n) => `${layer.name}/${n}`),
    );
    const { mean, variance } = tf.moments(y, 0);
    close(mean, [0, 0], 1e-5);
    close(variance, [1, 1], 1e-4);
    tf.dispose([y, mean, variance]);
  });

  it('normalizes over every axis but a configurable channel axis', () => {
    const layer = batchNormalization({ axis: 1, epsilon: 1e-6 }); // NCL
    const input = tf.randomNormal([4, 3, 5], 2, 3, 'float32', 1);
    const y = tf.tidy(() => layer.apply(input, { training: true }) as tf.Tensor);
    expect(layer.movingMean.shape).toEqual([3]);
    const { mean, variance } = tf.moments(y, [0, 2]);
    close(mean, [0, 0, 0], 1e-5);
    close(variance, [1, 1, 1], 1e-4);
    tf.dispose([input, y, mean, variance]);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => batchNormalization({ momentum: 1 })).toThrow(
      expect.objectContaining({ argument: 'momentum', code: 'RANGE' }),
    );
    expect(() => batchNormalization({ momentum: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'NAN' }),
    );
    expect(() => batchNormalization({ epsilon: 0 })).toThrow(
      expect.objectContaining({ argument: 'epsilon' }),
    );
    expect(() => batchNormalization({ axis: 1.5 })).toThrow(
      expect.objectContaining({ argument: 'axis' }),
    );
    expect(() => batchNormalization({ varianceCorrection: 'bessel' as 'biased' })).toThrow(
      expect.objectContaining({ argument: 'varianceCorrection', code: 'CONFIG' }),
    );
    expect(() => batchNormalization({ center: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ argument: 'center' }),
    );
    expect(() => batchNormalization({ axis: 0 }).build([null, 3])).toThrow(
      expect.objectContaining({ code: 'SHAPE', argument: 'axis' }),
    );
    expect(() => batchNormalization({ axis: 3 }).build([null, 3])).toThrow(
      expect.objectContaining({ code: 'SHAPE' }),
    );
    expect(() => batchNormalization().build([null, null])).toThrow(
      expect.objectContaining({ code: 'SHAPE' }),
    );
  });

  it('serializes with getConfig and reloads through modelFromJSON', async () => {
    registerBatchNormalization();
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [2], units: 3 }),
        batchNormalization({
          momentum: 0.8,
          epsilon: 0.01,
          center: false,
          varianceCorrection: 'unbiased',
        }),
      ],
    });
    const config = (model.layers[1] as BatchNormalization).getConfig();
    expect(config).toMatchObject({
      axis: -1,
      momentum: 0.8,
      epsilon: 0.01,
      center: false,
      scale: true,
      varianceCorrection: 'unbiased',
    });
    const back = await tfl.models.modelFromJSON({
      modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'],
    });
    const bn = back.layers[1] as BatchNormalization;
    expect(bn).toBeInstanceOf(BatchNormalization);
    expect(bn.getConfig()).toMatchObject({
      momentum: 0.8,
      epsilon: 0.01,
      center: false,
      varianceCorrection: 'unbiased',
    });
    back.setWeights(model.getWeights());
    const input = tf.tensor2d([
      [1, 2],
      [3, -1],
    ]);
    const a = model.predict(input) as tf.Tensor;
    const b = back.predict(input) as tf.Tensor;
    close(b, Array.from(a.dataSync()), 0);
    tf.dispose([input, a, b]);
    model.dispose();
    back.dispose();
  });

  it('leaks nothing in training and inference calls', async () => {
    const layer = batchNormalization();
    layer.build([null, 2]);
    const input = x();
    await expectNoLeaks(() => {
      tf.dispose(layer.apply(input, { training: true }) as tf.Tensor);
      tf.dispose(layer.apply(input) as tf.Tensor);
    });
    input.dispose();
  });

  it('trains with gradients through it, numTensors flat over 200 steps', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [4],
          units: 8,
          useBias: false,
          kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }),
        }),
        batchNormalization({ momentum: 0.9 }),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.dense({
          units: 1,
          kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }),
        }),
      ],
    });
    const xs = tf.randomNormal([16, 4], 0, 1, 'float32', 3);
    const ys = tf.tidy(() => tf.sum(tf.mul(xs, tf.tensor1d([1, -2, 0.5, 3])), 1, true));
    const opt = tf.train.sgd(0.05);
    const loss = () =>
      tf.losses.meanSquaredError(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar;
    const step = () => tf.tidy(() => opt.minimize(loss, true)!.dataSync()[0]!);
    const first = step();
    for (let i = 0; i < 9; i++) step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 190; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(0.1 * first);
    const bn = model.layers[1] as BatchNormalization;
    expect(tf.tidy(() => tf.max(tf.abs(bn.movingMean.read())).dataSync()[0]!)).toBeGreaterThan(0);
    tf.dispose([xs, ys]);
    opt.dispose();
    model.dispose();
  });
});

describe('BatchNormalization in model.fit', () => {
  it('updates moving statistics when trainable and keeps them when frozen', async () => {
    const bn = batchNormalization({ momentum: 0.5 });
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [2],
          units: 2,
          kernelInitializer: 'identity',
          trainable: false,
        }),
        bn,
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const x = tf.tensor2d([
      [1, 2],
      [3, 6],
    ]); // channel means 2 and 4
    const y = tf.zeros([2, 2]);
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    // one step from mean 0 with a = 0.5: 0.5 * 0 + 0.5 * [2, 4]
    expect(Array.from(bn.movingMean.read().dataSync())).toEqual([1, 2]);
    bn.trainable = false;
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const gamma = Array.from(bn.gamma!.read().dataSync());
    const before = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(bn.movingMean.read().dataSync())).toEqual([1, 2]);
    expect(Array.from(bn.gamma!.read().dataSync())).toEqual(gamma); // not trained either
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('registerBatchNormalization', () => {
  it('is idempotent', () => {
    registerBatchNormalization();
    registerBatchNormalization();
    expect(
      tf.serialization.SerializationMap.getMap().classNameMap.TrainkitBatchNormalization,
    ).toBeDefined();
  });
});

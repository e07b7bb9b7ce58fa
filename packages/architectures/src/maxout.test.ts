import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError, ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/maxout.json';
import { Maxout } from './maxout';
import { registerArchitectureLayers } from './register-layers';

type Case = (typeof fixture.cases)[number];

function layerOf(c: Case): Maxout {
  const layer = new Maxout({ units: c.units, pieces: c.pieces });
  layer.build([null, c.x[0]!.length]);
  const k = tf.tensor2d(c.kernel);
  const b = tf.tensor1d(c.bias);
  layer.setWeights([k, b]);
  tf.dispose([k, b]);
  return layer;
}

const maxAbsDiff = (a: tf.Tensor, b: number[] | number[][]) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, tf.tensor(b)))).dataSync()[0] as number);

describe('Maxout against PyTorch (fixtures/maxout.json, float64 autograd)', () => {
  fixture.cases.forEach((c, i) => {
    it(`case ${i}: ${c.units} units x ${c.pieces} pieces: output and gradients agree`, async () => {
      await expectNoLeaks(() => {
        const layer = layerOf(c);
        const x = tf.tensor2d(c.x);
        const cc = tf.tensor2d(c.c);
        const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        // loss = sum(h * c), as in the fixture; gradients w.r.t. the input and both weights.
        const loss = (xx: tf.Tensor) =>
          tf.sum(tf.mul(layer.apply(xx) as tf.Tensor, cc)) as tf.Scalar;
        const h = tf.tidy(() => layer.apply(x) as tf.Tensor);
        const gradX = tf.grad(loss)(x);
        const { value, grads } = tf.variableGrads(() => loss(x), [kernel!, bias!]);
        expect(h.shape).toEqual([c.x.length, c.units]);
        expect(maxAbsDiff(h, c.output)).toBeLessThan(1e-5);
        expect(maxAbsDiff(gradX, c.gradX)).toBeLessThan(1e-5);
        expect(maxAbsDiff(grads[kernel!.name]!, c.gradKernel)).toBeLessThan(1e-5);
        expect(maxAbsDiff(grads[bias!.name]!, c.gradBias)).toBeLessThan(1e-5);
        tf.dispose([x, cc, h, gradX, value, ...Object.values(grads), kernel!, bias!]);
      }, 'maxout forward/backward');
    });
  });

  it('with k = 2 and pieces (w, 0) it is a ReLU unit; with (w, 0.2 w) a leaky one (by hand)', () => {
    const layer = new Maxout({ units: 1, pieces: 2, useBias: false });
    layer.build([null, 2]);
    const k = tf.tensor2d([
      [1, 0.2],
      [-1, -0.2],
    ]); // z1 = x0 - x1, z2 = 0.2 (x0 - x1)
    layer.setWeights([k]);
    const y = tf.tidy(
      () =>
        layer.apply(
          tf.tensor2d([
            [3, 1],
            [1, 3],
            [0, 0],
          ]),
        ) as tf.Tensor,
    );
    expect(Array.from(y.dataSync())).toEqual([2, Math.fround(0.2 * -2), 0].map(Math.fround));
    tf.dispose([k, y, layer.weights[0]!.read()]);
  });
});

describe('Maxout as a layer', () => {
  it('has (inputDim + 1) * units * pieces parameters and acts on the last axis of any rank', async () => {
    await expectNoLeaks(() => {
      const model = tfl.sequential({
        layers: [new Maxout({ units: 4, pieces: 3, inputShape: [5, 6] })],
      });
      expect(model.countParams()).toBe((6 + 1) * 4 * 3);
      expect(model.outputs[0]!.shape).toEqual([null, 5, 4]);
      // Rank 3 equals the rank-2 layer applied to every row.
      const x = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 7);
      const d = tf.tidy(() => {
        const a = model.predict(x) as tf.Tensor;
        const b = model.layers[0]!.apply(tf.reshape(x, [10, 6])) as tf.Tensor;
        return tf.max(tf.abs(tf.sub(tf.reshape(a, [10, 4]), b)));
      });
      expect(d.dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([x, d]);
      model.dispose();
    });
  });

  it('saves and loads through tfjs JSON once registered, and trains', async () => {
    registerArchitectureLayers();
    const model = tfl.sequential({
      layers: [
        new Maxout({
          units: 8,
          pieces: 2,
          inputShape: [3],
          name: 'mx',
          kernelInitializer: 'heNormal',
        }),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    const back = await tfl.models.modelFromJSON({
      modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'],
    });
    const layer = back.getLayer('mx') as Maxout;
    expect(layer).toBeInstanceOf(Maxout);
    expect(layer.getConfig()).toMatchObject({ units: 8, pieces: 2, kernelInitializer: 'heNormal' });
    back.setWeights(model.getWeights());
    const x = tf.randomNormal([16, 3], 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.sum(tf.square(x), 1, true));
    const d = tf.tidy(() =>
      tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor))),
    );
    expect(d.dataSync()[0]).toBe(0);
    back.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const h = await back.fit(x, y, { epochs: 30, verbose: 0, batchSize: 16 });
    const losses = h.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 2);
    tf.dispose([x, y, d]);
    model.dispose();
    back.dispose();
  });

  it('rejects bad arguments with typed errors naming them', () => {
    expect(() => new Maxout({ units: 4, pieces: 1 })).toThrow(ConfigError);
    expect(() => new Maxout({ units: 4, pieces: 1 })).toThrow(/pieces/);
    expect(() => new Maxout({ units: 0, pieces: 2 })).toThrow(ValueRangeError);
    expect(() => new Maxout({ units: 2, pieces: 2.5 })).toThrow(/pieces/);
    expect(() => new Maxout({ units: 2, pieces: 2, kernelInitializer: 'ones' as 'zeros' })).toThrow(
      /kernelInitializer/,
    );
    expect(() => new Maxout(undefined as unknown as { units: 1; pieces: 2 })).toThrow(ConfigError);
    const layer = new Maxout({ units: 2, pieces: 2 });
    expect(() => layer.build([5])).toThrow(ShapeError);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { adam } from './adam';
import { freeze } from './freeze';
import { sgd } from './sgd';
import { LayersOptimizer, registerLayersOptimizer, toLayersOptimizer } from './to-layers-optimizer';

let modelCount = 0;
/** A tiny MLP with fixed weights; layer names get a unique suffix per model. */
function tinyModel(): { model: tfl.LayersModel; hidden: string; head: string } {
  const n = modelCount++;
  const hidden = `hidden${n}`;
  const head = `head${n}`;
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 4, inputShape: [3], activation: 'tanh', name: hidden }),
      tfl.layers.dense({ units: 1, name: head }),
    ],
  });
  const w = model.getWeights();
  model.setWeights(
    w.map((t, i) => tf.tidy(() => tf.sin(tf.reshape(tf.add(tf.range(0, t.size), i), t.shape)))),
  );
  return { model, hidden, head };
}
const x = tf.tensor([0.1, 0.2, -0.3, 0.5, -0.1, 0.4, -0.7, 0.3, 0.2, 0.9, -0.5, 0.1], [4, 3]);
const y = tf.tensor([0.5, -0.2, 0.1, 0.7], [4, 1]);

async function train(optimizer: tf.Optimizer, epochs = 3) {
  const { model, hidden, head } = tinyModel();
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const h = await model.fit(x, y, { epochs, batchSize: 2, shuffle: false, verbose: 0 });
  const weights = model.getWeights().map((t) => [...t.dataSync()]);
  return { model, weights, loss: h.history.loss as number[], hidden, head };
}

function expectAllClose(a: number[][], b: number[][], tol = 1e-5) {
  for (const [i, w] of a.entries()) {
    for (const [j, v] of w.entries()) expect(Math.abs(v - b[i]![j]!)).toBeLessThan(tol);
  }
}

describe('toLayersOptimizer', () => {
  it('model.fit with sgd() matches tfjs tf.train.sgd on the same model', async () => {
    const ours = await train(toLayersOptimizer(sgd({ learningRate: 0.1 })));
    const ref = await train(tf.train.sgd(0.1));
    expectAllClose(ours.weights, ref.weights);
    expect(ours.loss.at(-1)!).toBeLessThan(ours.loss[0]!);
  });
  it('model.fit with adam() matches tfjs tf.train.adam', async () => {
    const ours = await train(toLayersOptimizer(adam({ learningRate: 0.01, epsilon: 1e-7 })));
    const ref = await train(tf.train.adam(0.01, 0.9, 0.999, 1e-7));
    expectAllClose(ours.weights, ref.weights);
  });
  it('keys params by weight name so freeze(layer) keeps that layer fixed', async () => {
    const { model, hidden } = tinyModel();
    const before = model.getWeights().map((t) => [...t.dataSync()]);
    const opt = toLayersOptimizer(freeze(hidden, sgd({ learningRate: 0.1 })));
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const after = model.getWeights().map((t) => [...t.dataSync()]);
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).toEqual(before[1]);
    expect(after[2]).not.toEqual(before[2]);
    const names = (await opt.getWeights()).map((w) => w.name);
    expect(names.some((n) => n.includes(hidden))).toBe(false);
    opt.dispose();
  });
  it('getWeights/setWeights restore state and step: a restored optimizer continues identically', async () => {
    const { model } = tinyModel();
    const fit1 = () => model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    const opt1 = toLayersOptimizer(adam({ learningRate: 0.01 }));
    model.compile({ optimizer: opt1, loss: 'meanSquaredError' });
    await fit1();
    const saved = (await opt1.getWeights()).map((w) => ({
      name: w.name,
      tensor: tf.clone(w.tensor),
    }));
    expect(saved[0]!.name).toBe('iter');
    expect(saved.some((w) => w.name.includes('/mu/'))).toBe(true);
    const weights1 = model.getWeights().map((t) => tf.clone(t));
    await fit1();
    const continued = model.getWeights().map((t) => [...t.dataSync()]);
    // Rewind the model, restore the optimizer into a fresh one, train the same epoch again.
    model.setWeights(weights1);
    const opt2 = toLayersOptimizer(adam({ learningRate: 0.01 }));
    await opt2.setWeights(saved);
    expect(opt2.iterations).toBe(2);
    model.compile({ optimizer: opt2, loss: 'meanSquaredError' });
    await fit1();
    expectAllClose(
      model.getWeights().map((t) => [...t.dataSync()]),
      continued,
      1e-7,
    );
    // Without the restored state the same epoch goes elsewhere (the check above can fail).
    model.setWeights(weights1);
    model.compile({
      optimizer: toLayersOptimizer(adam({ learningRate: 0.01 })),
      loss: 'meanSquaredError',
    });
    await fit1();
    const fresh = model.getWeights().map((t) => [...t.dataSync()]);
    expect(Math.abs(fresh[0]![0]! - continued[0]![0]!)).toBeGreaterThan(1e-6);
    tf.dispose([...weights1, ...saved.map((w) => w.tensor)]);
    opt1.dispose();
    opt2.dispose();
  });
  it('serializes through tfjs once registered', () => {
    registerLayersOptimizer();
    const opt = toLayersOptimizer(adam({ learningRate: 0.02 }));
    const cfg = opt.getConfig();
    expect(cfg.kind).toBe('optimizers.adam');
    const again = LayersOptimizer.fromConfig(LayersOptimizer, cfg) as LayersOptimizer;
    expect(again.transform.toJSON()).toEqual(opt.transform.toJSON());
    expect(LayersOptimizer.className).toBe('TrainkitOptimizer');
  });
  it('leaks nothing per epoch under model.fit', async () => {
    const { model } = tinyModel();
    model.compile({ optimizer: toLayersOptimizer(adam()), loss: 'meanSquaredError' });
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    await expectNoLeaks(() =>
      model.fit(x, y, { epochs: 5, batchSize: 1, verbose: 0 }).then(() => undefined),
    );
  });
  it('rejects non-transformations and gradients of unknown variables', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isTrainkitError(e) ? `${e.code}:${e.argument}` : String(e);
      }
    };
    expect(code(() => toLayersOptimizer({} as never))).toBe('CONFIG:transformation');
    const g = tf.scalar(1);
    expect(
      code(() => toLayersOptimizer(sgd({ learningRate: 1 })).applyGradients({ 'no/such': g })),
    ).toBe('CONFIG:variableGradients');
    g.dispose();
  });
});

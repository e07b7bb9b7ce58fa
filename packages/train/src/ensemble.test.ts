import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { sgd } from '@trainkit/optimizers';
import { errorCode, expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { blobs } from '../test/blobs';
import { weightSnapshots } from './averaging/weight-snapshots';
import { predictionEnsemble, snapshotEnsemble } from './ensemble';
import { fit } from './fit';
import { fitFunction } from './fit-function';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
import { accuracy } from './metrics/accuracy';

const P1 = [
  [0.7, 0.2, 0.1],
  [0.1, 0.5, 0.4],
];
const P2 = [
  [0.1, 0.6, 0.3],
  [0.2, 0.2, 0.6],
];
const fixed = (p: number[][]) => (x: tf.Tensor) =>
  tf.tidy(() => tf.add(tf.tensor2d(p), tf.mul(tf.sum(x), 0)));
const rows = (t: tf.Tensor) => t.arraySync() as number[][];
const softmax = (z: number[]) => {
  const e = z.map((v) => Math.exp(v - Math.max(...z)));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

function tinyModel(seed: number, softmaxHead = true): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 6,
        inputShape: [2],
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      }),
      tfl.layers.dense({
        units: 3,
        activation: softmaxHead ? 'softmax' : 'linear',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
}

describe('predictionEnsemble', () => {
  it('averages the members probabilities, weighted when asked', () => {
    const x = tf.zeros([2, 1]);
    const e = predictionEnsemble([fixed(P1), fixed(P2)]);
    expect(e.size).toBe(2);
    const p = e.predict(x);
    rows(p).forEach((r, i) => {
      r.forEach((v, c) => {
        expect(v).toBeCloseTo(((P1[i]![c] as number) + (P2[i]![c] as number)) / 2, 6);
      });
    });
    // weights 3:1 -> 0.75 P1 + 0.25 P2
    const w = predictionEnsemble([fixed(P1), fixed(P2)], { weights: [3, 1] }).predict(x);
    expect(rows(w)[1]![2]).toBeCloseTo(0.75 * 0.4 + 0.25 * 0.6, 6);
    tf.dispose([x, p, w]);
  });

  it('with logits, averages the softmax of each member (not the logits)', () => {
    const z1 = [
      [2, 0, -1],
      [0, 1, 3],
    ];
    const z2 = [
      [-1, 4, 0],
      [1, 1, 1],
    ];
    const x = tf.zeros([2, 1]);
    const p = predictionEnsemble([fixed(z1), fixed(z2)], { output: 'logits' }).predict(x);
    rows(p).forEach((r, i) => {
      const a = softmax(z1[i] as number[]);
      const b = softmax(z2[i] as number[]);
      r.forEach((v, c) => {
        expect(v).toBeCloseTo(((a[c] as number) + (b[c] as number)) / 2, 6);
      });
    });
    tf.dispose([x, p]);
  });

  it('evaluates the negative log-likelihood and accuracy of the averaged probabilities', async () => {
    const x = tf.zeros([2, 1]);
    const y = tf.tensor1d([1, 2], 'int32');
    const logs = await predictionEnsemble([fixed(P1), fixed(P2)]).evaluate(
      { x, y },
      { metrics: [accuracy()] },
    );
    // averaged: row 0 [0.4, 0.4, 0.2] (label 1: 0.4, arg-max 0 ties -> first: miss), row 1 [0.15, 0.35, 0.5] (hit)
    expect(logs.loss).toBeCloseTo(-(Math.log(0.4) + Math.log(0.5)) / 2, 5);
    expect(logs.acc).toBeCloseTo(0.5, 6);
    tf.dispose([x, y]);
  });

  it('an ensemble of tfjs models equals the mean of their predict; batching changes nothing', async () => {
    const { x, y } = blobs(50);
    const a = tinyModel(1);
    const b = tinyModel(5);
    const e = predictionEnsemble([a, b]);
    const p = e.predict(x);
    const small = e.predict(x, { batchSize: 7 });
    const want = tf.tidy(() =>
      tf.div(tf.add(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor), 2),
    );
    expect(tf.max(tf.abs(tf.sub(p, want))).dataSync()[0]).toBeLessThan(1e-6);
    expect(tf.max(tf.abs(tf.sub(small, want))).dataSync()[0]).toBeLessThan(1e-6);
    const logs = await expectNoLeaks(() =>
      e.evaluate({ x, y }, { metrics: [accuracy()], batchSize: 16 }),
    );
    const nll = tf.tidy(() => softmaxCrossEntropy({ fromLogits: false })(y, want).dataSync()[0]);
    expect(logs.loss).toBeCloseTo(nll as number, 5);
    await expectNoLeaks(() => tf.dispose(e.predict(x, { batchSize: 9 })));
    tf.dispose([x, y, p, small, want]);
    a.dispose();
    b.dispose();
  });

  it('rejects bad members, weights and inputs with typed errors', () => {
    const x = tf.zeros([2, 1]);
    expect(errorCode(() => predictionEnsemble([]))).toBe('CONFIG');
    expect(errorCode(() => predictionEnsemble([{} as never]))).toBe('CONFIG');
    expect(errorCode(() => predictionEnsemble([fixed(P1)], { weights: [1, 2] }))).toBe('CONFIG');
    expect(errorCode(() => predictionEnsemble([fixed(P1)], { weights: [-1] }))).toBe('RANGE');
    expect(errorCode(() => predictionEnsemble([fixed(P1)], { weights: [0] }))).toBe('CONFIG');
    expect(errorCode(() => predictionEnsemble([fixed(P1)], { output: 'scores' as never }))).toBe(
      'CONFIG',
    );
    const e = predictionEnsemble([
      fixed(P1),
      fixed([
        [1, 0],
        [0, 1],
      ]),
    ]);
    const before = tf.memory().numTensors;
    expect(errorCode(() => e.predict(x))).toBe('SHAPE'); // 3 vs 2 classes
    expect(tf.memory().numTensors).toBe(before);
    expect(errorCode(() => e.predict([1, 2] as never))).toBe('SHAPE');
    const wrongRows = predictionEnsemble([(xb) => tf.zeros([(xb.shape[0] as number) + 1, 3])]);
    expect(errorCode(() => wrongRows.predict(x))).toBe('SHAPE');
    expect(errorCode(() => predictionEnsemble([fixed(P1)]).predict(x, { batchSize: 0 }))).toBe(
      'RANGE',
    );
    x.dispose();
  });
});

describe('snapshotEnsemble (checkpoints of one run)', () => {
  it('averages the predictions of the weights saved at the chosen epochs, and leaves the model as it was', async () => {
    const { x, y } = blobs(60);
    const model = tinyModel(3, false);
    const snaps = weightSnapshots({ model, epochs: [1, 3] });
    const kept: tf.Tensor[][] = [];
    await fit(
      model,
      { x, y },
      {
        loss: softmaxCrossEntropy(),
        optimizer: sgd({ learningRate: 0.2 }),
        epochs: 4,
        batchSize: 20,
        progress: false,
        listeners: [
          snaps,
          {
            onEpochEnd: ({ epoch }) => {
              if (epoch === 1 || epoch === 3) kept.push(model.getWeights().map((w) => tf.clone(w)));
            },
          },
        ],
      },
    );
    expect(snaps.epochs).toEqual([1, 3]);
    // independent reference: set each epoch's weights by hand and average the softmax
    const final = model.getWeights().map((w) => tf.clone(w));
    const want = tf.tidy(() => {
      const ps = kept.map((ws) => {
        model.setWeights(ws);
        return tf.softmax(model.predict(x) as tf.Tensor);
      });
      return tf.div(tf.addN(ps), ps.length);
    });
    model.setWeights(final);
    const e = snapshotEnsemble(model, snaps.snapshots, { output: 'logits' });
    const before = tf.memory().numTensors;
    const p = e.predict(x, { batchSize: 25 });
    expect(tf.memory().numTensors).toBe(before + 1); // the result, nothing else
    expect(tf.max(tf.abs(tf.sub(p, want))).dataSync()[0]).toBeLessThan(1e-6);
    model.getWeights().forEach((w, i) => {
      expect(Array.from(w.dataSync())).toEqual(Array.from((final[i] as tf.Tensor).dataSync()));
    });
    await expectNoLeaks(() => e.evaluate({ x, y }, { metrics: [accuracy()] }));
    tf.dispose([x, y, p, want, ...final, ...kept.flat()]);
    const held = tf.memory().numTensors;
    snaps.dispose();
    expect(held - tf.memory().numTensors).toBe(2 * 4); // two snapshots of the 4 weights
    expect(snaps.snapshots.length).toBe(0);
    model.dispose();
  });

  it('works for a model written as params + forward', async () => {
    const params = {
      w: tf.variable(
        tf.tensor2d([
          [1, 0, -1],
          [0.5, 0.5, 0],
        ]),
      ),
      b: tf.variable(tf.zeros([3])),
    };
    const forward = (p: typeof params, x: tf.Tensor) => tf.add(tf.matMul(x, p.w), p.b);
    const { x, y } = blobs(30);
    const snaps = weightSnapshots({ startEpoch: 0, everyEpochs: 2 });
    await fitFunction(
      params,
      forward as never,
      { x, y },
      {
        loss: softmaxCrossEntropy(),
        epochs: 4,
        batchSize: 10,
        progress: false,
        listeners: [snaps],
      },
    );
    expect(snaps.epochs).toEqual([0, 2]);
    const e = snapshotEnsemble({ params, forward: forward as never }, snaps.snapshots, {
      output: 'logits',
    });
    const p = e.predict(x);
    const want = tf.tidy(() =>
      tf.div(
        tf.addN(
          snaps.snapshots.map((s) =>
            tf.softmax(tf.add(tf.matMul(x, s.w as tf.Tensor), s.b as tf.Tensor)),
          ),
        ),
        2,
      ),
    );
    expect(tf.max(tf.abs(tf.sub(p, want))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([x, y, p, want, ...Object.values(params)]);
    snaps.dispose();
  });

  it('rejects snapshots that do not fit the model', () => {
    const model = tinyModel(1);
    const w = tf.zeros([2, 6]);
    expect(errorCode(() => snapshotEnsemble(model, []))).toBe('CONFIG');
    expect(errorCode(() => snapshotEnsemble({} as never, [{}]))).toBe('CONFIG');
    expect(errorCode(() => snapshotEnsemble(model, [{ x: w }]))).toBe('CONFIG');
    const good = Object.fromEntries(model.weights.map((v) => [v.originalName ?? v.name, v.read()]));
    const firstKey = Object.keys(good)[0] as string;
    expect(
      errorCode(() => snapshotEnsemble(model, [{ ...good, [firstKey]: tf.zeros([3, 3]) }])),
    ).toBe('SHAPE');
    expect(errorCode(() => weightSnapshots({ epochs: [-1] }))).toBe('RANGE');
    expect(errorCode(() => weightSnapshots({ everyEpochs: 0 }))).toBe('RANGE');
    w.dispose();
    model.dispose();
  });
});

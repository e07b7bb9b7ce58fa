import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { trainLinearClassifier } from './linear-classifier';

const fx = JSON.parse(
  readFileSync(new URL('../fixtures/softmax-regression.json', import.meta.url), 'utf8'),
) as {
  x: number[][];
  labels: number[];
  numClasses: number;
  l2: number;
  W: number[][];
  proba: number[][];
};

describe('trainLinearClassifier', () => {
  for (const optimizer of ['newton', 'lbfgs'] as const) {
    it(`softmax with ${optimizer} matches scikit-learn's multinomial LogisticRegression (fixture)`, async () => {
      const x = tf.tensor2d(fx.x);
      const y = tf.tensor1d(fx.labels, 'int32');
      const head = await trainLinearClassifier(x, y, {
        numClasses: fx.numClasses,
        l2: fx.l2,
        optimizer,
      });
      expect(head.optimizer).toBe(optimizer);
      const W = (await head.W.array()) as number[][];
      for (let j = 0; j < W.length; j++)
        for (let c = 0; c < fx.numClasses; c++) expect(W[j]![c]!).toBeCloseTo(fx.W[j]![c]!, 3);
      const proba = (await tf.tidy(() => tf.softmax(head.predict(x))).array()) as number[][];
      for (let i = 0; i < proba.length; i++)
        for (let c = 0; c < fx.numClasses; c++)
          expect(proba[i]![c]!).toBeCloseTo(fx.proba[i]![c]!, 3);
      head.dispose();
      tf.dispose([x, y]);
    });
  }

  it('leaves only its two weight Variables behind', async () => {
    const x = tf.tensor2d(fx.x);
    const y = tf.tensor1d(fx.labels, 'int32');
    const before = tf.memory().numTensors;
    const head = await trainLinearClassifier(x, y, { numClasses: fx.numClasses });
    expect(tf.memory().numTensors - before).toBe(2);
    head.accuracy(x, y);
    expect(tf.memory().numTensors - before).toBe(2);
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('picks Newton for small softmax heads and L-BFGS for large ones and for the SVM', async () => {
    const x = tf.tensor2d(fx.x);
    const y = tf.tensor1d(fx.labels, 'int32');
    const small = await trainLinearClassifier(x, y, { numClasses: 3 });
    const capped = await trainLinearClassifier(x, y, { numClasses: 3, newtonMaxParams: 10 });
    expect([small.optimizer, capped.optimizer]).toEqual(['newton', 'lbfgs']);
    const svm = await trainLinearClassifier(x, y, { numClasses: 3, loss: 'svm' });
    expect(svm.optimizer).toBe('lbfgs');
    // the same data, three fits: all separate the (well separated) classes about equally
    const accs = [small, capped, svm].map((h) => h.accuracy(x, y));
    for (const a of accs) expect(a).toBeGreaterThan(0.85);
    for (const h of [small, capped, svm]) h.dispose();
    tf.dispose([x, y]);
  });

  it('the SVM reaches the hinge margin on separable data', async () => {
    // three classes on three axes, far apart: zero hinge loss is reachable
    const pts: number[][] = [];
    const lab: number[] = [];
    for (let i = 0; i < 30; i++) {
      const c = i % 3;
      const p = [0.1 * ((i * 7) % 5), 0.1 * ((i * 3) % 4), 0.1 * ((i * 5) % 3)];
      p[c]! += 4;
      pts.push(p);
      lab.push(c);
    }
    const x = tf.tensor2d(pts);
    const y = tf.tensor1d(lab, 'int32');
    const svm = await trainLinearClassifier(x, y, { numClasses: 3, loss: 'svm', l2: 1e-4 });
    expect(svm.accuracy(x, y)).toBe(1);
    // every wrong class scores at least ~1 below the right one (hinge satisfied)
    const s = (await svm.predict(x).array()) as number[][];
    for (let i = 0; i < s.length; i++)
      for (let c = 0; c < 3; c++)
        if (c !== lab[i]) expect(s[i]![lab[i]!]! - s[i]![c]!).toBeGreaterThan(0.95);
    expect(svm.loss).toBeLessThan(0.01);
    svm.dispose();
    tf.dispose([x, y]);
  });

  it('rejects bad inputs with typed errors', async () => {
    const x = tf.tensor2d(fx.x);
    const y = tf.tensor1d(fx.labels, 'int32');
    const yf = tf.tensor1d(fx.labels, 'float32');
    const short = tf.tensor1d([0, 1], 'int32');
    await expect(trainLinearClassifier(x, yf, { numClasses: 3 })).rejects.toMatchObject({
      code: 'DTYPE',
    });
    await expect(trainLinearClassifier(x, short, { numClasses: 3 })).rejects.toMatchObject({
      code: 'SHAPE',
    });
    await expect(trainLinearClassifier(x, y, { numClasses: 2 })).rejects.toThrow(/labels outside/);
    await expect(
      trainLinearClassifier(x, y, { numClasses: 3, loss: 'svm', optimizer: 'newton' }),
    ).rejects.toBeInstanceOf(ConfigError);
    tf.dispose([x, y, yf, short]);
  });
});

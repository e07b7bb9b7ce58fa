import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, fromJSON, ShapeError, ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import fixture from '../../fixtures/classification-metrics.json';
import { evaluateFunction } from '../evaluate';
import { evaluate } from '../fit';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy';
import { registerTrainKinds } from '../registry';
import { accuracy } from './accuracy';
import { classificationReport } from './classification-report';
import { confusionMatrix } from './confusion-matrix';
import type { Metric } from './metric';
import { f1Score, precision, recall } from './precision-recall-f1';

// Registration is explicit: the core fromJSON below needs it.
beforeAll(() => registerTrainKinds());

type Case = (typeof fixture.cases)[number];
const KEYS = ['precision', 'recall', 'f1'] as const;
const AVERAGES = ['macro', 'micro', 'weighted'] as const;
const METRICS = { precision, recall, f1: f1Score };

const tensors = (c: Case) => ({
  y: tf.tensor1d(c.yTrue, 'int32'),
  p: Array.isArray(c.scores[0])
    ? tf.tensor2d(c.scores as number[][])
    : tf.tensor1d(c.scores as number[]),
});

describe('classification metrics against scikit-learn (fixtures/classification-metrics.json)', () => {
  for (const c of fixture.cases) {
    describe(c.name, () => {
      it('confusionMatrix equals sklearn confusion_matrix', async () => {
        const { y, p } = tensors(c);
        const m = confusionMatrix(y, p);
        expect(await m.array()).toEqual(c.confusionMatrix);
        tf.dispose([y, p, m]);
      });

      it('classificationReport equals precision_recall_fscore_support per class and averaged', () => {
        const r = classificationReport(c.confusionMatrix);
        r.perClass.forEach((s, i) => {
          for (const k of KEYS) expect(s[k]).toBeCloseTo(c.perClass[k][i]!, 12);
          expect(s.support).toBe(c.perClass.support[i]);
          expect(s.label).toBe(String(i));
        });
        for (const a of AVERAGES) {
          for (const k of KEYS) expect(r[a][k], `${a} ${k}`).toBeCloseTo(c[a][k], 12);
        }
        expect(r.accuracy).toBeCloseTo(c.accuracy, 12);
        expect(r.support).toBe(c.yTrue.length);
      });

      it('the batch metrics (on the device) give the same numbers', async () => {
        const { y, p } = tensors(c);
        for (const k of KEYS) {
          for (const a of AVERAGES) {
            const s = METRICS[k]({ average: a })(y, p);
            expect((await s.data())[0], `${k} ${a}`).toBeCloseTo(c[a][k], 6);
            s.dispose();
          }
          for (let i = 0; i < c.numClasses; i++) {
            const s = METRICS[k]({ classIndex: i })(y, p);
            expect((await s.data())[0], `${k} class ${i}`).toBeCloseTo(c.perClass[k][i]!, 6);
            s.dispose();
          }
        }
        tf.dispose([y, p]);
      });

      it('evaluateFunction sums confusion matrices over batches: exact over the data', async () => {
        const { y, p } = tensors(c);
        const metrics = AVERAGES.flatMap((a) => KEYS.map((k) => METRICS[k]({ average: a })));
        await expectNoLeaks(async () => {
          // The loss is not under test here (and the single-output case has no softmax).
          const zeroLoss = Object.assign(() => tf.scalar(0), {
            kind: 'zero',
            toJSON: () => ({ kind: 'zero', version: 1 }),
          });
          const { logs, classification } = await evaluateFunction(
            {},
            (_params, x) => tf.clone(x),
            { x: p, y },
            { loss: zeroLoss, metrics, batchSize: 7, classification: true },
          );
          for (const a of AVERAGES) {
            expect(logs[`precision_${a}`]).toBeCloseTo(c[a].precision, 12);
            expect(logs[`recall_${a}`]).toBeCloseTo(c[a].recall, 12);
            expect(logs[`f1_${a}`]).toBeCloseTo(c[a].f1, 12);
          }
          expect(classification.confusionMatrix).toEqual(c.confusionMatrix);
          expect(classification.macro.f1).toBeCloseTo(c.macro.f1, 12);
        });
        tf.dispose([y, p]);
      });
    });
  }
});

describe('evaluate(model, ..., { classification })', () => {
  it('reports the confusion matrix and scores of a model, with class names', async () => {
    const c = fixture.cases[0]!;
    // A dense layer with an identity kernel outputs its input: the fixture's scores.
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 5, inputShape: [5], useBias: false })],
    });
    const eye = tf.eye(5);
    model.setWeights([eye]);
    const x = tf.tensor2d(c.scores as number[][]);
    const y = tf.tensor1d(c.yTrue, 'int32');
    const labels = ['a', 'b', 'c', 'd', 'e'];
    await expectNoLeaks(async () => {
      const { logs, classification } = await evaluate(
        model,
        { x, y },
        {
          loss: softmaxCrossEntropy(),
          metrics: [accuracy(), f1Score(), recall({ average: 'weighted' })],
          batchSize: 32,
          classification: { labels },
        },
      );
      expect(logs.acc).toBeCloseTo(c.accuracy, 6);
      expect(logs.f1_macro).toBeCloseTo(c.macro.f1, 12);
      expect(logs.recall_weighted).toBeCloseTo(c.weighted.recall, 12);
      expect(classification.labels).toEqual(labels);
      expect(classification.confusionMatrix).toEqual(c.confusionMatrix);
      expect(classification.perClass.map((s) => s.label)).toEqual(labels);
      // Without `classification` the logs come back alone, as before.
      const plain = await evaluate(
        model,
        { x, y },
        { loss: softmaxCrossEntropy(), metrics: [f1Score()] },
      );
      expect(plain.f1_macro).toBeCloseTo(c.macro.f1, 12);
    });
    tf.dispose([eye, x, y]);
    model.dispose();
  });

  it('the mean of per-batch macro F1s is not the macro F1 (why evaluate sums the counts)', async () => {
    const c = fixture.cases[0]!;
    const { y, p } = tensors(c);
    let sum = 0;
    for (let i = 0; i < 200; i += 20) {
      const s = tf.tidy(() => f1Score()(tf.slice(y, [i], [20]), tf.slice(p, [i, 0], [20, 5])));
      sum += (await s.data())[0]! / 10;
      s.dispose();
    }
    expect(Math.abs(sum - c.macro.f1)).toBeGreaterThan(1e-3);
    tf.dispose([y, p]);
  });
});

describe('classification metrics: API', () => {
  it('name themselves, round-trip through JSON and leak nothing', async () => {
    const y = tf.tensor1d([0, 1, 2, 2], 'int32');
    const p = tf.tensor2d([
      [0.8, 0.1, 0.1],
      [0.2, 0.7, 0.1],
      [0.1, 0.6, 0.3],
      [0.1, 0.1, 0.8],
    ]);
    const ms: Metric[] = [
      precision(),
      recall({ average: 'micro' }),
      f1Score({ average: 'weighted' }),
      f1Score({ classIndex: 2, numClasses: 3 }),
    ];
    expect(ms.map((m) => m.name)).toEqual([
      'precision_macro',
      'recall_micro',
      'f1_weighted',
      'f1_class2',
    ]);
    for (const m of ms) {
      const back = fromJSON<Metric>(m.toJSON());
      expect(back.toJSON()).toEqual(m.toJSON());
      expect(back.name).toBe(m.name);
      await expectNoLeaks(() => {
        tf.dispose(m(y, p));
      }, m.name);
    }
    await expectNoLeaks(() => {
      tf.dispose(confusionMatrix(y, p));
    });
    // By hand: class 2 has tp 1, fp 0, fn 1 -> precision 1, recall 0.5, F1 2/3.
    const s = f1Score({ classIndex: 2 })(y, p);
    expect(s.dataSync()[0]).toBeCloseTo(2 / 3, 6);
    tf.dispose([y, p, s]);
  });

  it('rejects bad input with typed errors naming the argument', () => {
    expect(() => classificationReport([[1, 2]])).toThrow(ShapeError);
    expect(() =>
      classificationReport([
        [1, -1],
        [0, 2],
      ]),
    ).toThrow(/matrix/);
    expect(() =>
      classificationReport(
        [
          [1, 0],
          [0, 2],
        ],
        { labels: ['a'] },
      ),
    ).toThrow(ConfigError);
    expect(() => f1Score({ average: 'samples' as 'macro' })).toThrow(/average/);
    expect(() => precision({ classIndex: -1 })).toThrow(ValueRangeError);
    const y = tf.tensor1d([0, 1], 'int32');
    const p = tf.zeros([2, 3]);
    expect(() => confusionMatrix(y, p, { numClasses: 4 })).toThrow(/numClasses/);
    expect(() => confusionMatrix(tf.tensor1d([0, 1, 1]), p)).toThrow(ShapeError);
    expect(() => confusionMatrix(y, tf.tensor1d([1, 0], 'int32'))).toThrow(/numClasses/);
    tf.dispose([y, p]);
  });

  it('takes class indices as predictions with numClasses (by hand)', async () => {
    const y = tf.tensor1d([0, 1, 2, 2, 1], 'int32');
    const pred = tf.tensor1d([0, 2, 2, 1, 1], 'int32');
    const m = confusionMatrix(y, pred, { numClasses: 3 });
    expect(await m.array()).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
    tf.dispose([y, pred, m]);
  });
});

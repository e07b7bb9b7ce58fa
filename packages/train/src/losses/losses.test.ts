import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, fromJSON, ShapeError, ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainKinds } from '../registry';
import { binaryCrossEntropy } from './binary-cross-entropy';
import type { Loss } from './loss';
import { meanSquaredError } from './mean-squared-error';
import { multiclassHinge } from './multiclass-hinge';
import { softmaxCrossEntropy } from './softmax-cross-entropy';

// Registration is explicit: the core fromJSON below needs it.
beforeAll(() => registerTrainKinds());

const value = (loss: Loss, y: tf.Tensor, p: tf.Tensor) => {
  const l = loss(y, p);
  const v = l.dataSync()[0] as number;
  tf.dispose([l, y, p]);
  return v;
};

describe('softmaxCrossEntropy', () => {
  it('equals -log softmax of the true class (hand-computed)', () => {
    // log(1 + e^-1 + e^-2) = 0.40760596; second row: uniform logits -> log 3
    const v = value(
      softmaxCrossEntropy(),
      tf.tensor1d([2, 0], 'int32'),
      tf.tensor2d([
        [1, 2, 3],
        [5, 5, 5],
      ]),
    );
    expect(v).toBeCloseTo((0.40760596 + Math.log(3)) / 2, 5);
  });
  it('gives the same value for one-hot and sparse labels, and for probabilities', () => {
    const logits = [[0.5, -1, 2]];
    const a = value(softmaxCrossEntropy(), tf.tensor1d([1], 'int32'), tf.tensor2d(logits));
    const b = value(softmaxCrossEntropy(), tf.tensor2d([[0, 1, 0]]), tf.tensor2d(logits));
    const e = logits[0]!.map(Math.exp);
    const z = e.reduce((s, x) => s + x, 0);
    const c = value(
      softmaxCrossEntropy({ fromLogits: false }),
      tf.tensor1d([1], 'int32'),
      tf.tensor2d([e.map((x) => x / z)]),
    );
    expect(a).toBeCloseTo(-Math.log(e[1]! / z), 5);
    expect(b).toBeCloseTo(a, 5);
    expect(c).toBeCloseTo(a, 5);
  });
  it('smooths labels: targets (1-eps) y + eps/C', () => {
    // eps 0.3, C 3 -> targets [0.1, 0.1, 0.8]; logp = [1,2,3] - logsumexp
    const lse = Math.log(Math.E + Math.E ** 2 + Math.E ** 3);
    const expected = -(0.1 * (1 - lse) + 0.1 * (2 - lse) + 0.8 * (3 - lse));
    const v = value(
      softmaxCrossEntropy({ labelSmoothing: 0.3 }),
      tf.tensor1d([2], 'int32'),
      tf.tensor2d([[1, 2, 3]]),
    );
    expect(v).toBeCloseTo(expected, 5);
  });
  it('rejects bad options and mismatched labels with typed errors', () => {
    expect(() => softmaxCrossEntropy({ labelSmoothing: 1 })).toThrow(ValueRangeError);
    expect(() => softmaxCrossEntropy({ labelSmoothing: -0.1 })).toThrow(/labelSmoothing/);
    const y = tf.tensor1d([0, 1, 2], 'int32');
    const p = tf.zeros([2, 3]);
    expect(() => softmaxCrossEntropy()(y, p)).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy()(y, tf.zeros([3]))).toThrow(/yPred/);
    tf.dispose([y, p]);
  });
});

describe('multiclassHinge', () => {
  it('matches the CS231n worked example (cat/car/frog scores)', () => {
    // columns are examples in CS231n; rows here. Losses 2.9, 0, 12.9 -> mean 5.2667
    const scores = tf.tensor2d([
      [3.2, 5.1, -1.7],
      [1.3, 4.9, 2.0],
      [2.2, 2.5, -3.1],
    ]);
    expect(value(multiclassHinge(), tf.tensor1d([0, 1, 2], 'int32'), scores)).toBeCloseTo(
      15.8 / 3,
      5,
    );
  });
  it('uses the margin', () => {
    const v = value(multiclassHinge({ margin: 0 }), tf.tensor2d([[1, 0]]), tf.tensor2d([[1, 1.5]]));
    expect(v).toBeCloseTo(0.5, 6);
    expect(() => multiclassHinge({ margin: -1 })).toThrow(ValueRangeError);
  });
});

describe('meanSquaredError', () => {
  it('is the mean of squared differences', () => {
    expect(
      value(
        meanSquaredError(),
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
        tf.tensor2d([
          [1, 4],
          [0, 4],
        ]),
      ),
    ).toBeCloseTo(13 / 4, 6);
  });
  it('rejects shape mismatch', () => {
    const a = tf.zeros([2]);
    const b = tf.zeros([3]);
    expect(() => meanSquaredError()(a, b)).toThrow(ShapeError);
    tf.dispose([a, b]);
  });
});

describe('binaryCrossEntropy', () => {
  it('from logits uses the stable closed form', () => {
    // z=0,y=1: log 2; z=2,y=0: log(1+e^2); z=-30,y=0: ~0
    const v = value(
      binaryCrossEntropy({ fromLogits: true }),
      tf.tensor1d([1, 0, 0]),
      tf.tensor1d([0, 2, -30]),
    );
    expect(v).toBeCloseTo((Math.log(2) + Math.log(1 + Math.E ** 2)) / 3, 5);
  });
  it('from probabilities is -[y log p + (1-y) log(1-p)]', () => {
    const v = value(binaryCrossEntropy(), tf.tensor2d([[1], [0]]), tf.tensor2d([[0.8], [0.25]]));
    expect(v).toBeCloseTo(-(Math.log(0.8) + Math.log(0.75)) / 2, 5);
    expect(() => binaryCrossEntropy({ epsilon: 0.5 })).toThrow(ValueRangeError);
  });
});

describe('losses', () => {
  const all = [
    softmaxCrossEntropy({ labelSmoothing: 0.1 }),
    multiclassHinge({ margin: 2 }),
    meanSquaredError(),
    binaryCrossEntropy({ fromLogits: true }),
  ];
  it('round-trip through JSON', () => {
    for (const l of all) {
      const back = fromJSON<Loss>(l.toJSON());
      expect(back.toJSON()).toEqual(l.toJSON());
      expect(back.kind).toBe(l.kind);
    }
    expect(() => fromJSON({ kind: 'train.nope', version: 1 })).toThrow(ConfigError);
  });
  it('leak nothing', async () => {
    const y = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const p = tf.tensor2d([
      [0.3, 0.7],
      [0.6, 0.4],
    ]);
    for (const l of all) {
      const out = await expectNoLeaks(() => {
        tf.dispose(l(y, p));
      }, l.kind);
      expect(out).toBeUndefined();
    }
    tf.dispose([y, p]);
  });
});

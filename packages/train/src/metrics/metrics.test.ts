import * as tf from '@tensorflow/tfjs-core';
import { fromJSON, ShapeError, ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainKinds } from '../registry';
import { accuracy } from './accuracy';
import type { Metric } from './metric';
import { topKAccuracy } from './top-k-accuracy';

// Registration is explicit: the core fromJSON below needs it.
beforeAll(() => registerTrainKinds());

const value = (m: Metric, y: tf.Tensor, p: tf.Tensor) => {
  const l = m(y, p);
  const v = l.dataSync()[0] as number;
  tf.dispose([l, y, p]);
  return v;
};

describe('accuracy', () => {
  it('counts arg-max hits for sparse and one-hot labels', () => {
    const p = [
      [0.2, 0.8],
      [0.1, 0.9],
      [0.7, 0.3],
      [0.6, 0.4],
    ];
    expect(value(accuracy(), tf.tensor1d([1, 0, 0, 0], 'int32'), tf.tensor2d(p))).toBe(0.75);
    expect(
      value(
        accuracy(),
        tf.tensor2d([
          [0, 1],
          [1, 0],
          [1, 0],
          [0, 1],
        ]),
        tf.tensor2d(p),
      ),
    ).toBe(0.5);
  });
  it('thresholds single outputs', () => {
    expect(value(accuracy(), tf.tensor1d([1, 0, 1]), tf.tensor1d([0.9, 0.2, 0.4]))).toBeCloseTo(
      2 / 3,
      6,
    );
    expect(
      value(accuracy({ threshold: 0 }), tf.tensor2d([[1], [0]]), tf.tensor2d([[0.5], [-2]])),
    ).toBe(1);
  });
  it('names itself acc and rejects mismatched labels', () => {
    expect(accuracy().name).toBe('acc');
    const y = tf.tensor1d([1, 2, 3]);
    const p = tf.zeros([2, 4]);
    expect(() => accuracy()(y, p)).toThrow(ShapeError);
    tf.dispose([y, p]);
  });
});

describe('topKAccuracy', () => {
  it('hits when fewer than k classes score higher (ties count in)', () => {
    const p = [
      [0.1, 0.5, 0.4],
      [0.5, 0.3, 0.2],
      [0.3, 0.3, 0.4],
    ];
    // k=2: row0 label 2 (rank 2) hit; row1 label 2 (rank 3) miss; row2 label 0 (tie for 2nd) hit
    expect(
      value(topKAccuracy({ k: 2 }), tf.tensor1d([2, 2, 0], 'int32'), tf.tensor2d(p)),
    ).toBeCloseTo(2 / 3, 6);
    expect(value(topKAccuracy({ k: 1 }), tf.tensor1d([1, 0, 2], 'int32'), tf.tensor2d(p))).toBe(1);
    expect(topKAccuracy({ k: 3 }).name).toBe('top3_acc');
  });
  it('rejects k < 1 or fractional', () => {
    expect(() => topKAccuracy({ k: 0 })).toThrow(ValueRangeError);
    expect(() => topKAccuracy({ k: 1.5 })).toThrow(/k/);
  });
});

describe('metrics', () => {
  it('round-trip through JSON and leak nothing', async () => {
    const y = tf.tensor1d([0, 1], 'int32');
    const p = tf.tensor2d([
      [0.6, 0.4],
      [0.3, 0.7],
    ]);
    for (const m of [accuracy({ threshold: 0.3 }), topKAccuracy({ k: 2 })]) {
      const back = fromJSON<Metric>(m.toJSON());
      expect(back.toJSON()).toEqual(m.toJSON());
      expect(back.name).toBe(m.name);
      await expectNoLeaks(() => {
        tf.dispose(m(y, p));
      }, m.kind);
    }
    tf.dispose([y, p]);
  });
});

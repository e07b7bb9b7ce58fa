import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { gate, gateOrZero } from './gate';

describe('gate', () => {
  it('takes next where ok, keeps old (even against NaN and Infinity) where not, with no leaks', () => {
    const before = tf.memory().numTensors;
    const old = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const next = tf.tensor2d([
      [Number.NaN, 5],
      [Number.POSITIVE_INFINITY, 6],
    ]);
    const yes = tf.tidy(() => gate(tf.scalar(true, 'bool'), next, old));
    const no = tf.tidy(() => gate(tf.scalar(false, 'bool'), next, old));
    const [y, n] = [yes.arraySync() as number[][], no.arraySync() as number[][]];
    expect(y[0]?.[0]).toBeNaN();
    expect(y[1]).toEqual([Number.POSITIVE_INFINITY, 6]);
    expect(y[0]?.[1]).toBe(5);
    expect(n).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(yes.shape).toEqual([2, 2]);
    tf.dispose([old, next, yes, no]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('handles scalars and non-scalar conditions like tf.where', () => {
    const a = tf.tidy(() => gate(tf.scalar(false, 'bool'), tf.scalar(1), tf.scalar(2)));
    expect(a.dataSync()[0]).toBe(2);
    const b = tf.tidy(() =>
      gate(tf.tensor1d([true, false], 'bool'), tf.tensor1d([1, 2]), tf.tensor1d([3, 4])),
    );
    expect(Array.from(b.dataSync())).toEqual([1, 4]);
    tf.dispose([a, b]);
  });

  it('gateOrZero: next where ok, zeros (never NaN or Infinity) where not, with no leaks', () => {
    const before = tf.memory().numTensors;
    const next = tf.tensor2d([
      [Number.NaN, 1],
      [Number.POSITIVE_INFINITY, -2],
    ]);
    const no = tf.tidy(() => gateOrZero(tf.scalar(false, 'bool'), next));
    const yes = tf.tidy(() => gateOrZero(tf.scalar(true, 'bool'), next));
    const s = tf.tidy(() => gateOrZero(tf.scalar(false, 'bool'), tf.scalar(Number.NaN)));
    expect(Array.from(no.dataSync())).toEqual([0, 0, 0, 0]);
    expect(Array.from(yes.dataSync()).slice(1)).toEqual([1, Number.POSITIVE_INFINITY, -2]);
    expect(s.dataSync()[0]).toBe(0);
    tf.dispose([next, no, yes, s]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

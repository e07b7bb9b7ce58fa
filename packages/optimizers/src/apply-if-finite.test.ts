import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { errorCode, expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { applyIfFinite } from './apply-if-finite';
import { multiSteps } from './multi-steps';
import { OptimizerState } from './optimizer-state';
import { optimizerFromJSON } from './registry';
import { sgd } from './sgd';

const read = (opt: OptimizerState, k: string) => opt.state[k]!.dataSync()[0] as number;
function steps(opt: OptimizerState, gs: number[][]): void {
  for (const g of gs) {
    const grad = { w: tf.tensor1d(g) };
    opt.step(grad);
    grad.w.dispose();
  }
}

describe('applyIfFinite (optax apply_if_finite)', () => {
  it('skips a NaN or infinite gradient: parameters and inner state unchanged, counted in the state', () => {
    // heavy ball, lr 0.1, mu 0.9 (buffer starts at g): w = 1 -> 0.9; skip; skip; b = 0.9 + 2, w -= 0.29
    const w = tf.variable(tf.tensor1d([1, 1]));
    const opt = new OptimizerState(applyIfFinite(sgd({ learningRate: 0.1, momentum: 0.9 })), { w });
    steps(opt, [[1, 1]]);
    expect(Array.from(w.dataSync())).toEqual([0.9, 0.9].map(Math.fround));
    steps(opt, [[Number.NaN, 1]]);
    expect(Array.from(w.dataSync())).toEqual([0.9, 0.9].map(Math.fround));
    expect(read(opt, 'inner/0/trace/w')).toBe(1);
    expect([
      read(opt, 'notFiniteCount'),
      read(opt, 'lastFinite'),
      read(opt, 'totalNotFinite'),
    ]).toEqual([1, 0, 1]);
    steps(opt, [[2, Number.POSITIVE_INFINITY]]);
    expect(Array.from(w.dataSync())).toEqual([0.9, 0.9].map(Math.fround));
    expect([read(opt, 'notFiniteCount'), read(opt, 'totalNotFinite')]).toEqual([2, 2]);
    steps(opt, [[2, 2]]);
    const want = 0.9 - 0.1 * (0.9 * 1 + 2);
    for (const v of w.dataSync()) expect(v).toBeCloseTo(want, 6);
    expect([
      read(opt, 'notFiniteCount'),
      read(opt, 'lastFinite'),
      read(opt, 'totalNotFinite'),
    ]).toEqual([0, 1, 2]);
    expect(opt.count).toBe(4);
    opt.dispose();
    w.dispose();
  });

  it('applies anyway after more than maxConsecutiveErrors non-finite gradients in a row', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const opt = new OptimizerState(
      applyIfFinite(sgd({ learningRate: 0.1 }), { maxConsecutiveErrors: 1 }),
      {
        w,
      },
    );
    steps(opt, [[Number.NaN]]);
    expect(w.dataSync()[0]).toBe(1);
    steps(opt, [[Number.NaN]]);
    expect(w.dataSync()[0]).toBeNaN();
    opt.dispose();
    w.dispose();
  });

  it('halt: after the first non-finite gradient no later update is applied', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const opt = new OptimizerState(
      applyIfFinite(multiSteps(sgd({ learningRate: 0.1 }), { everySteps: 2 }), { halt: true }),
      { w },
    );
    steps(opt, [[1], [3]]); // w = 1 - 0.1 * 2
    expect(w.dataSync()[0]).toBeCloseTo(0.8, 6);
    steps(opt, [[5], [Number.NaN], [1], [1]]); // the NaN halts: the group holding 5 never lands
    expect(w.dataSync()[0]).toBeCloseTo(0.8, 6);
    expect(opt.flush()).toBe(false); // nothing held at a group boundary
    steps(opt, [[1]]);
    expect(opt.flush()).toBe(true);
    expect(w.dataSync()[0]).toBeCloseTo(0.8, 6);
    expect(read(opt, 'totalNotFinite')).toBe(1);
    opt.dispose();
    w.dispose();
  });

  it('serializes, rejects bad options, and leaks nothing', async () => {
    const t = applyIfFinite(sgd({ learningRate: 0.1 }), { maxConsecutiveErrors: 3 });
    expect(optimizerFromJSON(t.toJSON()).toJSON()).toEqual(t.toJSON());
    const h = applyIfFinite(sgd({ learningRate: 0.1 }), { halt: true });
    expect(optimizerFromJSON(h.toJSON()).toJSON()).toEqual(h.toJSON());
    expect(
      errorCode(() => applyIfFinite(sgd({ learningRate: 1 }), { maxConsecutiveErrors: -1 })),
    ).toBe('RANGE');
    expect(errorCode(() => applyIfFinite(null as never))).toBe('CONFIG');
    const w = tf.variable(tf.ones([3]));
    const opt = new OptimizerState(t, { w });
    const good = { w: tf.ones([3]) };
    const bad = { w: tf.tensor1d([1, Number.NaN, 1]) };
    await expectNoLeaks(() => {
      for (let i = 0; i < 6; i++) opt.step(i % 2 ? bad : good);
    }, 'applyIfFinite steps');
    opt.dispose();
    tf.dispose([w, good.w, bad.w]);
  });
});

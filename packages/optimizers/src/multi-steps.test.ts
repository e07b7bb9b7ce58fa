import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { errorCode, expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { adam } from './adam';
import { chain } from './chain';
import { clipByValue } from './clip-by-value';
import { multiSteps } from './multi-steps';
import { OptimizerState } from './optimizer-state';
import { optimizerFromJSON } from './registry';
import { scaleByLearningRate } from './scale-by-learning-rate';
import { sgd } from './sgd';

/** Runs `opt` on a scalar parameter w (start 1) with the gradients `gs`; returns w after each call. */
function trace(opt: OptimizerState, gs: number[]): number[] {
  return gs.map((g) => {
    const grad = { w: tf.scalar(g) };
    opt.step(grad);
    grad.w.dispose();
    return (opt.params.w as tf.Variable).dataSync()[0] as number;
  });
}

describe('multiSteps (optax MultiSteps)', () => {
  it('applies the mean of k gradients every k-th step and zero updates otherwise (hand-computed)', () => {
    const w = tf.variable(tf.scalar(1));
    const opt = new OptimizerState(multiSteps(sgd({ learningRate: 0.1 }), { everySteps: 2 }), {
      w,
    });
    // calls 0..3 with g = 1, 3, 5, 7: w stays, w -= 0.1 (1+3)/2, stays, w -= 0.1 (5+7)/2
    const ws = trace(opt, [1, 3, 5, 7]);
    expect(ws[0]).toBe(1);
    expect(ws[1]).toBeCloseTo(0.8, 6);
    expect(ws[2]).toBeCloseTo(0.8, 6);
    expect(ws[3]).toBeCloseTo(0.2, 6);
    expect(opt.count).toBe(4);
    opt.dispose();
    w.dispose();
  });

  it('gives the inner transformation its own step: floor(step / k)', () => {
    // lr(step) = 0.1 (step + 1): the inner steps are 0 and 1, not 1 and 3
    const lr = (s: number) => 0.1 * (s + 1);
    const w = tf.variable(tf.scalar(0));
    const opt = new OptimizerState(
      multiSteps(scaleByLearningRate({ learningRate: lr }), { everySteps: 2 }),
      { w },
    );
    const ws = trace(opt, [1, 1, 1, 1]);
    expect(ws[1]).toBeCloseTo(-0.1, 6);
    expect(ws[3]).toBeCloseTo(-0.1 - 0.2, 6);
    expect(opt.lastHyperparams.learningRate).toBeCloseTo(0.2, 12);
    // Adam's bias correction counts inner steps too: its first update is -lr sign(g) exactly
    const v = tf.variable(tf.scalar(0));
    const a = new OptimizerState(
      multiSteps(adam({ learningRate: 0.5, epsilon: 1e-12 }), { everySteps: 3 }),
      {
        w: v,
      },
    );
    const vs = trace(a, [2, 4, 6]);
    expect(vs[2]).toBeCloseTo(-0.5, 6);
    a.dispose();
    opt.dispose();
    tf.dispose([w, v]);
  });

  it("leaves the inner state alone between updates and keeps the running sum in 'acc/'", () => {
    const w = tf.variable(tf.scalar(0));
    const opt = new OptimizerState(
      multiSteps(sgd({ learningRate: 1, momentum: 0.9 }), { everySteps: 3 }),
      { w },
    );
    const keys = Object.keys(opt.state).sort();
    expect(keys).toEqual(['acc/w', 'inner/0/trace/w']);
    trace(opt, [2]);
    expect(opt.state['acc/w']!.dataSync()[0]).toBe(2);
    expect(opt.state['inner/0/trace/w']!.dataSync()[0]).toBe(0);
    trace(opt, [4, 6]);
    // mean 4: the PyTorch buffer starts at the gradient, w = -4
    expect(opt.state['acc/w']!.dataSync()[0]).toBe(0);
    expect(opt.state['inner/0/trace/w']!.dataSync()[0]).toBe(4);
    expect(w.dataSync()[0]).toBeCloseTo(-4, 6);
    opt.dispose();
    w.dispose();
  });

  it('flush applies an unfinished group as the mean of what it holds and starts the next group', () => {
    const w = tf.variable(tf.scalar(1));
    const opt = new OptimizerState(multiSteps(sgd({ learningRate: 0.1 }), { everySteps: 2 }), {
      w,
    });
    expect(opt.flush()).toBe(false); // nothing held
    trace(opt, [1, 3, 5]); // one update (mean 2), then 5 held
    expect(w.dataSync()[0]).toBeCloseTo(0.8, 6);
    expect(opt.count).toBe(3);
    expect(opt.flush()).toBe(true); // w -= 0.1 * 5
    expect(w.dataSync()[0]).toBeCloseTo(0.3, 6);
    expect(opt.count).toBe(4); // the flushed group counts as a whole one
    const ws = trace(opt, [2, 2]); // a fresh group: held, then w -= 0.1 * 2
    expect(ws[0]).toBeCloseTo(0.3, 6);
    expect(ws[1]).toBeCloseTo(0.1, 6);
    opt.dispose();
    w.dispose();
  });

  it('inside a chain, a flush goes through the parts after it', () => {
    const w = tf.variable(tf.scalar(1));
    const opt = new OptimizerState(
      chain(
        multiSteps(sgd({ learningRate: 0.1 }), { everySteps: 2 }),
        clipByValue({ maxDelta: 0.05 }),
      ),
      { w },
    );
    expect(opt.hyperparams).toEqual({ learningRate: 0.1 });
    trace(opt, [5]); // held
    expect(opt.flush()).toBe(true); // -0.1 * 5 clipped to -0.05
    expect(w.dataSync()[0]).toBeCloseTo(0.95, 6);
    expect(opt.count).toBe(2);
    opt.dispose();
    w.dispose();
  });

  it('serializes, rejects bad options, and leaks nothing', async () => {
    const t = multiSteps(adam({ learningRate: 0.01 }), { everySteps: 4 });
    expect(optimizerFromJSON(t.toJSON()).toJSON()).toEqual(t.toJSON());
    expect(errorCode(() => multiSteps(adam(), { everySteps: 0 }))).toBe('RANGE');
    expect(errorCode(() => multiSteps({} as never, { everySteps: 2 }))).toBe('CONFIG');
    const w = tf.variable(tf.ones([3]));
    const g = { w: tf.ones([3]) };
    const opt = new OptimizerState(t, { w });
    await expectNoLeaks(() => {
      for (let i = 0; i < 9; i++) opt.step(g);
      opt.flush();
    }, 'multiSteps steps and flush');
    opt.dispose();
    tf.dispose([w, g.w]);
  });
});

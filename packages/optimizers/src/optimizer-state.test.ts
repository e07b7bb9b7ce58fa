import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { errorCode, expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { adamw } from './adamw';
import { OptimizerState } from './optimizer-state';
import { exponentialDecay } from './schedules/exponential-decay';
import { sgd } from './sgd';

describe('OptimizerState (the one owner of a transformation state)', () => {
  it('keeps the count and reads the hyper-parameters from it, not from toJSON', () => {
    const w = tf.variable(tf.scalar(1));
    const lr = exponentialDecay({ initialValue: 0.1, decaySteps: 1, decayRate: 0.5 });
    const opt = new OptimizerState(adamw({ learningRate: lr, weightDecay: 0.01 }), { w });
    expect(opt.count).toBe(0);
    expect(opt.hyperparams).toEqual({ learningRate: 0.1, weightDecay: 0.01 });
    const g = { w: tf.scalar(1) };
    opt.step(g);
    opt.step(g);
    expect(opt.count).toBe(2);
    expect(opt.lastHyperparams.learningRate).toBeCloseTo(0.05, 12); // used at step 1
    expect(opt.hyperparams.learningRate).toBeCloseTo(0.025, 12); // the next one
    tf.dispose([w, g.w]);
    opt.dispose();
  });

  it('restore() assigns saved state and count, checking keys and shapes', async () => {
    const make = () => {
      const w = tf.variable(tf.tensor1d([1, 2]));
      return { w, opt: new OptimizerState(sgd({ learningRate: 0.1, momentum: 0.9 }), { w }) };
    };
    const a = make();
    const g = { w: tf.tensor1d([1, -1]) };
    a.opt.step(g);
    const saved = { '0/trace/w': tf.clone(a.opt.state['0/trace/w']!) };
    const b = make();
    b.w.assign(a.w);
    b.opt.restore(saved, a.opt.count);
    expect(b.opt.count).toBe(1);
    a.opt.step(g);
    b.opt.step(g);
    expect(Array.from(b.w.dataSync())).toEqual(Array.from(a.w.dataSync()));
    expect(errorCode(() => b.opt.restore({}, 0))).toBe('CONFIG');
    const wrong = { '0/trace/w': tf.zeros([3]) };
    expect(errorCode(() => b.opt.restore(wrong, 0))).toBe('SHAPE');
    expect(errorCode(() => b.opt.setStepCount(-1))).toBe('RANGE');
    await expectNoLeaks(() => b.opt.restore(saved, 4), 'restore');
    for (const x of [a, b]) {
      x.opt.dispose();
      x.w.dispose();
    }
    tf.dispose([g.w, saved['0/trace/w'], wrong['0/trace/w']]);
  });

  it('returns the updates when asked (the caller owns them) and leaks nothing', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const opt = new OptimizerState(sgd({ learningRate: 0.5 }), { w });
    const g = { w: tf.tensor1d([2, 4]) };
    const u = await expectNoLeaks(() => {
      const kept = opt.step(g, { keepUpdates: true });
      tf.dispose(Object.values(kept ?? {}));
      return opt.step(g);
    }, 'step');
    expect(u).toBeUndefined();
    const kept = opt.step(g, { keepUpdates: true }) ?? {};
    expect(Array.from(kept.w!.dataSync())).toEqual([-1, -2]);
    expect(
      errorCode(() => new OptimizerState(sgd({ learningRate: 1 }), { w }, { count: 1.5 })),
    ).toBe('RANGE');
    expect(errorCode(() => new OptimizerState(sgd({ learningRate: 1 }), null as never))).toBe(
      'CONFIG',
    );
    tf.dispose([w, g.w, ...Object.values(kept)]);
    opt.dispose();
  });
});

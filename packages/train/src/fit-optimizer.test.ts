import * as tf from '@tensorflow/tfjs-core';
import {
  type Constraint,
  type GradientTransformation,
  NaNError,
  type Params,
} from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { fitKeepingCheckpoint } from '../test/fit-keeping-checkpoint';
import { testMomentum, testSgd } from '../test/tiny-optimizers';
import { fitFunction } from './fit-function';
import { FitOptimizer } from './fit-optimizer';
import { meanSquaredError } from './losses/mean-squared-error';
import type { Forward } from './train-step';

const linear: Forward = (p, x) => tf.add(tf.matMul(x, p.w as tf.Tensor), p.b as tf.Tensor);
const fresh = (): Params => ({
  w: tf.variable(tf.tensor2d([[0.1], [0.2]])),
  b: tf.variable(tf.tensor1d([0])),
});
const data = () => ({
  x: tf.tensor2d([
    [1, 0],
    [0, 1],
    [1, 1],
    [2, 0],
    [0, 2],
    [1, 2],
  ]),
  y: tf.tensor2d([[1], [2], [3], [2], [4], [5]]),
});
const noClip: Constraint = Object.assign((w: tf.Tensor) => tf.clipByValue(w, -100, 100), {
  appliesTo: 'w',
  toJSON: () => ({ kind: 'test.noClip', version: 1 }),
});

describe("fit's optimizer (one OptimizerState around the user's transformation)", () => {
  it('reads the learning rate from the hyper-parameters the transformation declares, not its JSON', async () => {
    const base = testSgd(0.1);
    const lying: GradientTransformation = {
      ...base,
      toJSON: () => ({ kind: 'test.sgd', version: 1, learningRate: 0.5 }),
    };
    const silent: GradientTransformation = {
      kind: 'test.silent',
      init: base.init,
      update: base.update,
      toJSON: () => ({ kind: 'test.silent', version: 1, learningRate: 0.5 }),
    };
    const d = data();
    for (const [opt, want] of [
      [lying, 0.1],
      [silent, undefined],
    ] as const) {
      const lrs: (number | undefined)[] = [];
      const p = fresh();
      await fitFunction(p, linear, d, {
        loss: meanSquaredError(),
        optimizer: opt,
        batchSize: 3,
        progress: false,
        listeners: [{ onBatchEnd: (e) => void lrs.push(e.learningRate) }],
      });
      expect(lrs).toEqual([want, want]);
      tf.dispose(Object.values(p));
    }
    tf.dispose([d.x, d.y]);
  });

  it("checkpoints the user's state under its own keys and the group sums under the parameter names", async () => {
    const d = data();
    const p = fresh();
    const { ckpt } = await fitKeepingCheckpoint(p, linear, d, {
      loss: meanSquaredError(),
      optimizer: testMomentum(0.01, 0.9),
      constraints: [noClip],
      accumulateSteps: 2,
      batchSize: 2,
      shuffle: false,
      progress: false,
    });
    // 3 batches: one group of 2 and the epoch's short group of 1 -> 2 updates
    expect(ckpt.step).toBe(2);
    expect(Object.keys(ckpt.optimizerState).sort()).toEqual(['v/b', 'v/w']);
    expect(Object.keys(ckpt.accumulated ?? {}).sort()).toEqual(['b', 'w']);
    tf.dispose([...Object.values(p), d.x, d.y]);
  });

  it('stops with a NaNError on a non-finite gradient even when the loss is finite, keeping the weights', async () => {
    // d/dw sqrt(w) at w = 0 is infinite; the loss sqrt(0) = 0 is finite
    const p: Params = { w: tf.variable(tf.scalar(0)) };
    const forward: Forward = (q, x) => tf.mul(x, tf.sqrt(q.w as tf.Tensor));
    const d = { x: tf.ones([4, 1]), y: tf.ones([4, 1]) };
    const run = fitFunction(p, forward, d, {
      loss: meanSquaredError(),
      optimizer: testSgd(0.1),
      batchSize: 2,
      progress: false,
    });
    await expect(run).rejects.toThrow(NaNError);
    await expect(run).rejects.toThrow(/step 0\b/);
    expect((await p.w!.data())[0]).toBe(0);
    tf.dispose([p.w!, d.x, d.y]);
  });

  it('leaks nothing: update, flush, save, load, dispose', async () => {
    const p = fresh();
    const g = { w: tf.ones([2, 1]), b: tf.ones([1]) };
    await expectNoLeaks(async () => {
      const opt = new FitOptimizer(testMomentum(0.1, 0.9), p, {
        constraints: [noClip],
        accumulateSteps: 3,
      });
      for (let i = 0; i < 4; i++) tf.dispose(Object.values(opt.update(g, true) ?? {}));
      opt.flush();
      expect(opt.step).toBe(2);
      const saved = await opt.save();
      opt.load({
        kind: 'train.checkpoint',
        version: 1,
        epoch: 1,
        step: 2,
        rng: { s: [1, 2, 3, 4] } as never,
        weights: {},
        ...saved,
      });
      expect(opt.step).toBe(2);
      opt.dispose();
    }, 'FitOptimizer');
    tf.dispose([...Object.values(p), ...Object.values(g)]);
  });
});

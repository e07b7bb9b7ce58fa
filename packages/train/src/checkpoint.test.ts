import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, restoreWeights } from './checkpoint';

const ckpt = (w: number[], shape = [2]): Checkpoint => ({
  kind: 'train.checkpoint',
  version: 1,
  epoch: 1,
  step: 3,
  rng: { kind: 'trainkit.Rng', version: 1, algorithm: 'xoshiro128**', s: [1, 2, 3, 4] },
  weights: { w: { shape, dtype: 'float32', values: Float32Array.from(w) } },
  optimizerState: {},
});

describe('restoreWeights', () => {
  it('assigns saved weights by name without leaking', async () => {
    const params = { w: tf.variable(tf.zeros([2])) };
    await expectNoLeaks(() => restoreWeights(params, ckpt([3, 4])));
    expect(Array.from(await params.w.data())).toEqual([3, 4]);
    params.w.dispose();
  });
  it('refuses a wrong shape, wrong names or a non-checkpoint', () => {
    const params = { w: tf.variable(tf.zeros([2])) };
    expect(() => restoreWeights(params, ckpt([1, 2, 3], [3]))).toThrow(ShapeError);
    expect(() => restoreWeights({ v: params.w }, ckpt([1, 2]))).toThrow(/checkpoint.weights/);
    expect(() => restoreWeights(params, {} as Checkpoint)).toThrow(ConfigError);
    params.w.dispose();
  });
});

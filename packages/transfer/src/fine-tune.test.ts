import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ValueRangeError } from '@trainkit/core';
import { sgd } from '@trainkit/optimizers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { fineTune } from './fine-tune';

function source(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 6, inputShape: [4], activation: 'relu', name: 'b1' }),
      tfl.layers.dense({ units: 5, activation: 'relu', name: 'b2' }),
      tfl.layers.dense({ units: 7, name: 'old' }),
    ],
  });
}

const w = (m: tfl.LayersModel, name: string) =>
  Array.from(m.getLayer(name).getWeights()[0]!.dataSync());

describe('fineTune', () => {
  const x = tf.randomNormal([16, 4], 0, 1, 'float32', 7);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32');

  it('replaces the head and moves the base less at baseLrMultiplier 0.1 than at 1 (one SGD step)', async () => {
    // Two identical sources, one SGD step each; heads start from different random inits, so
    // only the size ordering of the base step is asserted.
    const a = source();
    const b = source();
    b.setWeights(a.getWeights());
    const b1 = w(a, 'b1');
    const opts = {
      numClasses: 3,
      epochs: 1,
      batchSize: 16,
      optimizer: (lr: number) => sgd({ learningRate: lr }),
      headLr: 0.5,
    };
    const ra = await fineTune(a, { x, y }, { ...opts, baseLrMultiplier: 1 });
    await fineTune(b, { x, y }, { ...opts, baseLrMultiplier: 0.1 });
    expect(ra.model.outputs[0]!.shape).toEqual([null, 3]);
    expect(ra.result.step).toBe(1);
    const stepA = w(a, 'b1').map((v, i) => v - b1[i]!);
    const stepB = w(b, 'b1').map((v, i) => v - b1[i]!);
    const norm = (s: number[]) => Math.hypot(...s);
    expect(norm(stepA)).toBeGreaterThan(0);
    expect(norm(stepB)).toBeGreaterThan(0);
    expect(norm(stepB)).toBeLessThan(norm(stepA));
  });

  it('keeps layers up to freezeUpTo bit-identical and trains the head', async () => {
    const m = source();
    const b1 = w(m, 'b1');
    const b2 = w(m, 'b2');
    const { model } = await fineTune(
      m,
      { x, y },
      { numClasses: 3, freezeUpTo: 'b1', epochs: 2, batchSize: 8 },
    );
    expect(w(m, 'b1')).toEqual(b1);
    expect(w(m, 'b2')).not.toEqual(b2);
    expect(model.getLayer('head_dense_0').getWeights()[0]!.shape).toEqual([5, 3]);
  });

  it('unfreeze topK trains only the top k body layers', async () => {
    const m = source();
    const b1 = w(m, 'b1');
    const b2 = w(m, 'b2');
    await fineTune(m, { x, y }, { numClasses: 3, unfreeze: { topK: 1 }, epochs: 2, batchSize: 8 });
    expect(w(m, 'b1')).toEqual(b1);
    expect(w(m, 'b2')).not.toEqual(b2);
  });

  it('gradual unfreezing: each stage trains the head plus the layers from its `from` up', async () => {
    // stage 1 only: the head alone
    const m1 = source();
    const [a1, a2] = [w(m1, 'b1'), w(m1, 'b2')];
    const r1 = await fineTune(
      m1,
      { x, y },
      { numClasses: 3, unfreeze: { schedule: [{ epochs: 1, from: 'none' }] }, batchSize: 8 },
    );
    expect([w(m1, 'b1'), w(m1, 'b2')]).toEqual([a1, a2]);
    expect(r1.result.step).toBe(2);
    // head, then b2 up for two epochs: b1 still bit-identical
    const m2 = source();
    const [c1, c2] = [w(m2, 'b1'), w(m2, 'b2')];
    const r2 = await fineTune(
      m2,
      { x, y },
      {
        numClasses: 3,
        unfreeze: {
          schedule: [
            { epochs: 1, from: 'none' },
            { epochs: 2, from: 'b2' },
          ],
        },
        batchSize: 8,
      },
    );
    expect(w(m2, 'b1')).toEqual(c1);
    expect(w(m2, 'b2')).not.toEqual(c2);
    expect(r2.result.history).toHaveLength(3);
    expect([r2.result.epoch, r2.result.step]).toEqual([3, 6]);
    // a last stage from layer 0 trains everything, and leaves everything trainable
    const m3 = source();
    const d1 = w(m3, 'b1');
    await fineTune(
      m3,
      { x, y },
      {
        numClasses: 3,
        unfreeze: {
          schedule: [
            { epochs: 1, from: 'b2' },
            { epochs: 1, from: 0 },
          ],
        },
        batchSize: 8,
      },
    );
    expect(w(m3, 'b1')).not.toEqual(d1);
    expect(m3.layers.map((l) => l.trainable)).toEqual([true, true, true]);
  });

  it('cutAt keeps the source up to that layer under the new head', async () => {
    const m = source();
    const { model } = await fineTune(m, { x, y }, { numClasses: 3, cutAt: 'b1', batchSize: 16 });
    expect(model.getLayer('head_dense_0').getWeights()[0]!.shape).toEqual([6, 3]);
    expect(model.layers.map((l) => l.name)).not.toContain('b2');
  });

  it('validates the unfreeze option', async () => {
    const m = source();
    await expect(
      fineTune(m, { x, y }, { numClasses: 3, unfreeze: { schedule: [] } }),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(
      fineTune(m, { x, y }, { numClasses: 3, unfreeze: { schedule: [{ epochs: 1, from: 'zz' }] } }),
    ).rejects.toThrow(/options.unfreeze.schedule\[0\].from/);
    await expect(fineTune(m, { x, y }, { numClasses: 3, unfreeze: { topK: 0 } })).rejects.toThrow(
      /options.unfreeze.topK/,
    );
    await expect(
      fineTune(m, { x, y }, { numClasses: 3, unfreeze: 'some' as never }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('validates its options', async () => {
    const m = source();
    await expect(fineTune(m, { x, y }, { numClasses: 0 })).rejects.toBeInstanceOf(ValueRangeError);
    await expect(fineTune(m, { x, y }, { numClasses: 3, headLr: 0 })).rejects.toThrow(
      /options.headLr/,
    );
    await expect(fineTune(m, { x, y }, { numClasses: 3, baseLrMultiplier: -1 })).rejects.toThrow(
      /options.baseLrMultiplier/,
    );
  });

  it('a gradual-unfreezing schedule leaks nothing beyond the new head weights', async () => {
    const m = source();
    const before = tf.memory().numTensors;
    const { model } = await fineTune(
      m,
      { x, y },
      {
        numClasses: 3,
        batchSize: 8,
        unfreeze: {
          schedule: [
            { epochs: 1, from: 'none' },
            { epochs: 1, from: 0 },
          ],
        },
      },
    );
    expect(tf.memory().numTensors - before).toBe(2); // head kernel + bias
    model.getLayer('head_dense_0').dispose();
  });

  it('leaks nothing beyond the new head weights', async () => {
    const m = source();
    const before = tf.memory().numTensors;
    const { model } = await fineTune(m, { x, y }, { numClasses: 3, epochs: 1, batchSize: 8 });
    expect(tf.memory().numTensors - before).toBe(2); // head kernel + bias
    model.getLayer('head_dense_0').dispose();
    await expectNoLeaks(() => undefined);
  });
});

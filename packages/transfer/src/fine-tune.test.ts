import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/core/test';
import { sgd } from '@trainkit/optimizers';
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

  it('leaks nothing beyond the new head weights', async () => {
    const m = source();
    const before = tf.memory().numTensors;
    const { model } = await fineTune(m, { x, y }, { numClasses: 3, epochs: 1, batchSize: 8 });
    expect(tf.memory().numTensors - before).toBe(2); // head kernel + bias
    model.getLayer('head_dense_0').dispose();
    await expectNoLeaks(() => undefined);
  });
});

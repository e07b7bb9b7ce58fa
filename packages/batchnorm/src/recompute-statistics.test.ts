import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { type BatchNormalization, batchNormalization } from './batch-normalization';
import { recomputeStatistics } from './recompute-statistics';

function net(frozen = false) {
  const bn = batchNormalization();
  if (frozen) bn.trainable = false;
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 2, kernelInitializer: 'ones', useBias: false }),
      tfl.layers.dropout({ rate: 0.5 }),
      bn,
    ],
  });
  return { model, bn: bn as BatchNormalization };
}

describe('recomputeStatistics', () => {
  it('averages batch statistics with equal weights, dropout off, frozen layers included', async () => {
    const { model, bn } = net(true);
    // dense(ones) maps [a, b] to [a + b, a + b].
    const batches = [
      tf.tensor2d([
        [1, 1],
        [2, 2],
      ]),
      tf.tensor2d([
        [3, 2],
        [6, 6],
      ]),
    ]; // sums [2,4], [5,12]
    await recomputeStatistics(model, batches);
    // batch 1: mean 3, var 1; batch 2: mean 8.5, var 12.25 -> averages 5.75 and 6.625
    expect(Array.from(bn.movingMean.read().dataSync())).toEqual([5.75, 5.75]);
    expect(Array.from(bn.movingVariance.read().dataSync())).toEqual([6.625, 6.625]);
    tf.dispose(batches);
    model.dispose();
  });

  it('accepts async iterables', async () => {
    const { model, bn } = net();
    async function* gen() {
      yield tf.tensor2d([
        [1, 0],
        [3, 0],
      ]);
    }
    expect(await recomputeStatistics(model, gen())).toBe(1);
    expect(Array.from(bn.movingMean.read().dataSync())).toEqual([2, 2]);
    model.dispose();
  });

  it('rejects bad input with typed errors and leaves statistics unchanged', async () => {
    const { model, bn } = net();
    await expect(recomputeStatistics(model, [])).rejects.toMatchObject({
      code: 'CONFIG',
      argument: 'batches',
    });
    await expect(recomputeStatistics(model, 5 as unknown as tf.Tensor[])).rejects.toMatchObject({
      argument: 'batches',
    });
    const x = tf.tensor2d([[10, 10]]);
    await expect(
      recomputeStatistics(model, [x, [1, 2] as unknown as tf.Tensor]),
    ).rejects.toMatchObject({ argument: 'batches[1]' });
    expect(Array.from(bn.movingMean.read().dataSync())).toEqual([0, 0]);
    expect(bn.cumulativeCount).toBeNull();
    const plain = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] });
    await expect(recomputeStatistics(plain, [x])).rejects.toMatchObject({
      code: 'CONFIG',
      argument: 'model',
    });
    await expect(recomputeStatistics({} as tfl.LayersModel, [x])).rejects.toMatchObject({
      argument: 'model',
    });
    x.dispose();
    model.dispose();
    plain.dispose();
  });
});

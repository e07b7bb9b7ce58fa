import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { lenet5 } from './lenet5';
import { smallResnet } from './small-resnet';

// Smoke tests: a few full-batch steps on a fixed tiny batch must lower the loss. Kept tiny: the
// tfjs cpu backend's conv backward pass is very slow (see the shared CPU training probe).
async function lossesOf(model: tfl.LayersModel, shape: number[], steps: number): Promise<number[]> {
  model.compile({ optimizer: tf.train.adam(3e-3), loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([8, ...shape], 0, 1, 'float32', 42);
  const labels = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32');
  const y = tf.oneHot(labels, 4);
  const history = await model.fit(x, y, {
    epochs: steps,
    batchSize: 8,
    verbose: 0,
    shuffle: false,
  });
  tf.dispose([x, labels, y]);
  model.dispose();
  return history.history.loss as number[];
}

describe('training smoke tests (loss falls)', () => {
  it('lenet5 (modern) on 28x28', async () => {
    const losses = await lossesOf(
      lenet5({ inputShape: [28, 28, 1], variant: 'modern', numClasses: 4 }),
      [28, 28, 1],
      3,
    );
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it('smallResnet (BN, residual adds) on 4x4', async () => {
    const losses = await lossesOf(
      smallResnet({ inputShape: [4, 4, 3], numClasses: 4 }),
      [4, 4, 3],
      3,
    );
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });
});

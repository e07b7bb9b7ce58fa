import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { alexnet } from './alexnet';
import { cifarResnet } from './cifar-resnet';
import { inceptionV1 } from './inception-v1';
import { lenet5 } from './lenet5';
import { resnet } from './resnet';
import { smallResnet } from './small-resnet';
import { vgg } from './vgg';

// Smoke tests: a few full-batch steps on a fixed tiny batch must lower the loss. Kept tiny: the
// tfjs cpu backend's conv backward pass is very slow (see the shared CPU training probe).
async function lossesOf(model: tfl.LayersModel, shape: number[], steps: number): Promise<number[]> {
  const optimizer = tf.train.adam(3e-3);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
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
  optimizer.dispose();
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

// The other families train minutes on the tfjs cpu backend even at their smallest inputs, so they
// run only on request: TRAINKIT_SLOW=1 npx vitest run src/training.test.ts
const slow = !process.env.TRAINKIT_SLOW;
if (slow) console.info('training.test.ts: set TRAINKIT_SLOW=1 to train every family (slow on CPU)');
describe.skipIf(slow)('training smoke tests of the big families (TRAINKIT_SLOW=1)', () => {
  const cases: [string, () => tfl.LayersModel, number[]][] = [
    ['alexnet 63x63', () => alexnet({ inputShape: [63, 63, 3], numClasses: 4 }), [63, 63, 3]],
    ['vgg11 32x32', () => vgg({ depth: 11, inputShape: [32, 32, 3], numClasses: 4 }), [32, 32, 3]],
    [
      'inceptionV1 16x16',
      () => inceptionV1({ inputShape: [16, 16, 3], numClasses: 4 }),
      [16, 16, 3],
    ],
    [
      'resnet18 16x16',
      () => resnet({ depth: 18, inputShape: [16, 16, 3], numClasses: 4 }),
      [16, 16, 3],
    ],
    ['cifarResnet20 8x8', () => cifarResnet({ inputShape: [8, 8, 3], numClasses: 4 }), [8, 8, 3]],
  ];
  it.each(cases)(
    '%s',
    async (_name, build, shape) => {
      const losses = await lossesOf(build(), shape, 3);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    },
    600_000,
  );
});

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { activationStats } from './activation-stats';
import { lsuv } from './lsuv';

function mlp() {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [6, 6, 2],
        filters: 4,
        kernelSize: 3,
        kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.01, seed: 1 }),
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({
        units: 32,
        activation: 'tanh',
        kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.01, seed: 2 }),
      }),
      tfl.layers.dense({
        units: 16,
        activation: 'relu',
        kernelInitializer: tfl.initializers.randomNormal({ stddev: 3, seed: 3 }),
      }),
      tfl.layers.dense({ units: 4 }),
    ],
  });
}
const batch = () => tf.tensor4d(new Rng(5).normalArray(64 * 6 * 6 * 2, 0.5, 2), [64, 6, 6, 2]);

describe('lsuv', () => {
  it('brings every kernel layer output to unit variance on the batch', async () => {
    const model = mlp();
    const x = batch();
    const report = await lsuv(model, x, { tolerance: 0.02, maxIterations: 20 });
    expect(report.map((r) => r.name)).toEqual([0, 2, 3, 4].map((i) => model.layers[i]!.name));
    for (const r of report) expect(r.converged).toBe(true);
    // Independent check of the pre-activation variance: x -> flatten -> dense 2 is linear up to
    // the tanh; recompute it from the layer's input with the kernel and bias.
    const stats = await activationStats(model, x);
    for (const i of [0, 4]) expect(Math.abs(stats[i]!.std ** 2 - 1)).toBeLessThan(0.02); // linear layers
    const h = stats[1]!; // flatten output feeds dense 2
    expect(h.std ** 2).toBeGreaterThan(0.9);
    const pre = tf.tidy(() => {
      const probe = tfl.model({
        inputs: model.inputs,
        outputs: model.layers[1]!.output as tfl.SymbolicTensor,
      });
      const [w, b] = model.layers[2]!.getWeights();
      return tf
        .moments(tf.add(tf.matMul(probe.predict(x) as tf.Tensor2D, w as tf.Tensor2D), b!))
        .variance.dataSync()[0]!;
    });
    expect(Math.abs(pre - 1)).toBeLessThan(0.02);
    // Step 1 made the conv kernel (flattened 18 x 4) orthogonal up to one scale factor.
    const k = tf.reshape(model.layers[0]!.getWeights()[0]!, [18, 4]);
    const g = tf.matMul(k, k, true, false);
    const gd = g.arraySync() as number[][];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        if (i !== j) expect(Math.abs(gd[i]![j]! / gd[0]![0]!)).toBeLessThan(1e-4);
    tf.dispose([x, k, g]);
    model.dispose();
  });

  it('rejects bad arguments with typed errors', async () => {
    const model = mlp();
    const x = batch();
    await expect(lsuv(model, x, { tolerance: 0 })).rejects.toMatchObject({
      argument: 'tolerance',
      code: 'RANGE',
    });
    await expect(lsuv(model, x, { maxIterations: 0 })).rejects.toMatchObject({
      argument: 'maxIterations',
    });
    await expect(lsuv(model, 'x' as unknown as tf.Tensor)).rejects.toMatchObject({ argument: 'x' });
    await expect(lsuv(null as unknown as tfl.LayersModel, x)).rejects.toMatchObject({
      argument: 'model',
    });
    const noKernel = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [6, 6, 2] })] });
    await expect(lsuv(noKernel, x)).rejects.toMatchObject({ argument: 'model', code: 'CONFIG' });
    x.dispose();
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const model = mlp();
    const x = batch();
    await expectNoLeaks(() => lsuv(model, x, { maxIterations: 3 }));
    x.dispose();
    model.dispose();
  });
});

import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '@trainkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { installFastKernels, uninstallFastKernels } from './install-fast-kernels';
import { dataIds, expectClose, randn } from './test-helpers';

// A tiny CNN using every training kernel we replace: strided and 'same' convs, separable
// (depthwise) conv, max pooling, batch norm, dense layers, an embedding-free gather-free path.
function tinyCnn(seed: number): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed + s });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [9, 9, 2],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tfl.layers.batchNormalization(),
      tfl.layers.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        padding: 'same',
        depthwiseInitializer: init(2),
      }),
      tfl.layers.conv2d({
        filters: 3,
        kernelSize: 2,
        activation: 'relu',
        kernelInitializer: init(3),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, kernelInitializer: init(4) }),
    ],
  });
}

async function losses(backend: string, steps: number): Promise<number[]> {
  await tf.setBackend(backend);
  const rng = new Rng(5);
  const model = tinyCnn(1);
  const x = tf.tensor4d(randn(rng, [4, 9, 9, 2]), [4, 9, 9, 2]);
  const y = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3);
  const opt = tf.train.sgd(0.1);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = tf.tidy(
      () =>
        opt.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(
              y,
              model.apply(x, { training: true }) as tf.Tensor,
            ) as tf.Scalar,
          true,
        ) as tf.Scalar,
    );
    out.push(...(await loss.data()));
    tf.dispose(loss);
  }
  tf.dispose([x, y]);
  model.dispose();
  opt.dispose();
  return out;
}

describe('training on wasm with the fast kernels', () => {
  afterAll(async () => {
    uninstallFastKernels('wasm');
    await tf.setBackend('cpu');
  });

  it('gives the same losses as the stock cpu backend, step by step', async () => {
    const ref = await losses('cpu', 5);
    installFastKernels('wasm');
    const got = await losses('wasm', 5);
    expectClose(got, ref, 1e-5, 1e-4);
    expect(ref[4]).toBeLessThan(ref[0] as number); // it actually trains
  });

  it('leaks nothing over 250 training steps and the wasm heap stays flat', async () => {
    installFastKernels('wasm');
    await tf.setBackend('wasm');
    const model = tinyCnn(2);
    const x = tf.randomNormal([4, 9, 9, 2], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3);
    const opt = tf.train.sgd(0.01);
    const step = () =>
      tf.tidy(() => {
        opt.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(
              y,
              model.apply(x, { training: true }) as tf.Tensor,
            ) as tf.Scalar,
        );
      });
    step(); // creates the optimizer's state once
    const tensors = tf.memory().numTensors;
    const buffers = dataIds();
    for (let i = 0; i < 50; i++) step();
    const heapBytes = () =>
      (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    const heap = heapBytes();
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 200; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(dataIds()).toBe(buffers);
    expect(heap).toBeGreaterThan(0);
    expect(heapBytes()).toBe(heap);
    expect(tf.memory().numBytes).toBe(bytes);
    tf.dispose([x, y]);
    model.dispose();
  });
});

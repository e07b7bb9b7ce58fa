// Browser entry for the WebGPU training test: bundled by esbuild, run in headless Chromium.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, useBackend } from '@trainkit/core';

function buildModel(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

async function train(
  backend: string,
): Promise<{ backend: string; losses: number[]; msPerStep: number }> {
  const info = await useBackend(backend as 'cpu' | 'webgpu');
  const rng = new Rng(7);
  const model = buildModel();
  // Identical initial weights on both backends: drawn from the seeded Rng, not the initializers.
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tensor(
        rng.normalArray(w.size).map((v) => v * 0.2),
        w.shape,
      ),
    ),
  );
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor(rng.normalArray(8 * 12 * 12), [8, 12, 12, 1]);
  const labels = Array.from({ length: 8 }, (_, i) => i % 10);
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  const losses: number[] = [];
  const t0 = performance.now();
  for (let step = 0; step < 3; step++) {
    const loss = (await model.trainOnBatch(xs, ys)) as number;
    losses.push(loss);
  }
  const msPerStep = (performance.now() - t0) / 3;
  return { backend: info.name, losses, msPerStep };
}

async function run(): Promise<unknown> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = (await gpu?.requestAdapter()) as { info?: { architecture?: string } } | null;
  const auto = await useBackend('auto');
  const cpu = await train('cpu');
  const webgpu = await train('webgpu');
  return { adapter: adapter?.info?.architecture ?? null, auto: auto.name, cpu, webgpu };
}

(globalThis as unknown as { runWebGpuTest: () => Promise<unknown> }).runWebGpuTest = run;

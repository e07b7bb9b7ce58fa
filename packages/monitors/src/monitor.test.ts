import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { modelParams, Rng, type TrainingListener } from '@trainkit/core';
import { digits } from '@trainkit/data/node';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { activationProbe } from './activation-probe';
import { diagnose } from './diagnose';
import { monitor } from './monitor';

// The real short training of the issue: the UCI digits shipped in @trainkit/data (8x8, 10 classes).
async function digitsBatch(n: number) {
  const ds = (await digits()).subset(Array.from({ length: n }, (_, i) => i));
  const { x, y } = ds.toTensors();
  const flat = tf.tidy(() => tf.div(tf.reshape(x, [n, 64]), 16));
  const oneHot = tf.tidy(() => tf.oneHot(tf.cast(y, 'int32'), 10));
  tf.dispose([x, y]);
  return { x: flat, y: oneHot };
}

// A small two-class problem: two Gaussian blobs in 8 dimensions.
function blobs(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 8);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 8; j++) x[i * 8 + j] = rng.normal(y[i] ? 1 : -1, 1);
  }
  return { x: tf.tensor2d(x, [n, 8]), y: tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), 2)) };
}

function makeModel(inputs = 8, classes = 2) {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [inputs],
        units: 16,
        activation: 'relu',
        name: 'hidden',
        kernelInitializer: tfl.initializers.heNormal({ seed: 1 }),
      }),
      tfl.layers.dense({
        units: classes,
        name: 'head',
        kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }),
      }),
    ],
  });
}

/** A plain SGD loop that plays the training-events protocol, as @trainkit/train does. */
async function train(
  model: tfl.Sequential,
  listener: TrainingListener,
  lr: number,
  steps: number,
  data: { x: tf.Tensor; y: tf.Tensor } = blobs(64, 3),
) {
  const params = modelParams(model);
  const { x, y } = data;
  await listener.onTrainBegin?.({
    params,
    epochs: 1,
    stepsPerEpoch: steps,
    initialStep: 0,
    stopTraining() {},
  });
  for (let step = 0; step < steps; step++) {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar,
      Object.values(params),
    );
    const named: Record<string, tf.Tensor> = {};
    const updates: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(params)) {
      named[k] = grads[v.name]!;
      updates[k] = tf.mul(-lr, named[k]!);
      tf.tidy(() => v.assign(tf.add(v, updates[k]!)));
    }
    await listener.onBatchEnd?.({
      epoch: 0,
      batch: step,
      step,
      batchSize: 64,
      loss: value,
      grads: named,
      updates,
      params,
      learningRate: lr,
      stopTraining() {},
    });
    tf.dispose([value, ...Object.values(named), ...Object.values(updates)]);
  }
  const acc = tf.tidy(() =>
    tf.mean(
      tf.cast(tf.equal(tf.argMax(model.apply(x) as tf.Tensor, 1), tf.argMax(y, 1)), 'float32'),
    ),
  );
  const logs = { acc: (await acc.data())[0]!, val_acc: (await acc.data())[0]! };
  acc.dispose();
  await listener.onEpochEnd?.({ epoch: 0, step: steps - 1, logs, stopTraining() {} });
  await listener.onTrainEnd?.({ epoch: 0, step: steps - 1, logs });
  tf.dispose([x, y]);
}

describe('monitor', () => {
  it('records every step loss and, at intervals, norms whose ratio obeys the SGD update ||u|| = lr ||g||', async () => {
    const model = makeModel();
    const lr = 0.05;
    const mon = monitor({ every: 5, histogramEvery: 10 });
    await expectNoLeaks(() => train(model, mon, lr, 30));
    const run = mon.run;
    expect(run.steps.map((s) => s.step)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(run.steps[0]!.learningRate).toBe(lr);
    expect(run.steps.at(-1)!.loss).toBeLessThan(run.steps[0]!.loss);
    const layers = run.layers.filter((l) => l.step === 10);
    expect(layers.map((l) => l.name)).toEqual([
      'hidden/kernel',
      'hidden/bias',
      'head/kernel',
      'head/bias',
    ]);
    for (const l of layers) {
      // updates are -lr * g, so ||u|| = lr * ||g|| (checked against the recorded gradient norm)
      expect(l.updateNorm!).toBeCloseTo(lr * l.gradNorm!, 5);
      expect(l.updateRatio!).toBeCloseTo(l.updateNorm! / l.weightNorm, 8);
      expect(l.grad!.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(
        run.begin!.params.find((p) => p.name === l.name)!.shape.reduce((a, b) => a * b, 1),
      );
    }
    // Global gradient norm = sqrt(sum of squared per-layer norms)
    const step10 = run.steps.find((s) => s.step === 10)!;
    expect(step10.gradNorm!).toBeCloseTo(
      Math.sqrt(layers.reduce((a, l) => a + l.gradNorm! ** 2, 0)),
      4,
    );
    expect(run.end!.logs.acc).toBeGreaterThan(0.8);
    model.dispose();
  });

  it('watches activations on a fixed batch and renders first-layer filters', async () => {
    const conv = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [6, 6, 1],
          filters: 4,
          kernelSize: 3,
          activation: 'relu',
          name: 'c1',
        }),
        tfl.layers.flatten({ name: 'flat' }),
        tfl.layers.dense({ units: 2, name: 'out' }),
      ],
    });
    const probeX = tf.randomNormal([4, 6, 6, 1], 0, 1, 'float32', 5);
    const probe = activationProbe(conv, probeX, { every: 2, layers: ['c1'] });
    const mon = monitor({ every: 2, activations: probe });
    const params = modelParams(conv);
    await expectNoLeaks(async () => {
      await mon.onTrainBegin!({ params, epochs: 1, initialStep: 0, stopTraining() {} });
      for (let step = 0; step < 3; step++) {
        const loss = tf.scalar(1 / (step + 1));
        await mon.onBatchEnd!({
          epoch: 0,
          batch: step,
          step,
          batchSize: 4,
          loss,
          params,
          stopTraining() {},
        });
        loss.dispose();
      }
      await mon.onTrainEnd!({ epoch: 0, step: 2, logs: {} });
    });
    const acts = mon.run.activations;
    expect(acts.map((a) => a.step)).toEqual([0, 2]);
    // ReLU outputs: the zero fraction is the share of non-positive pre-activations, in [0, 1].
    expect(acts[0]!.summary.min).toBeGreaterThanOrEqual(0);
    expect(acts[0]!.summary.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(4 * 4 * 4 * 4);
    const f = mon.run.filters[0]!;
    expect(f.layer).toBe('c1/kernel');
    expect(f.pngBase64.startsWith('iVBORw0KGgo')).toBe(true); // the PNG signature in base64
    probe.dispose();
    probeX.dispose();
    conv.dispose();
  });

  it('diagnoses a real too-high learning rate on the shipped digits and stays quiet on a sane one', async () => {
    const runs: Record<string, ReturnType<typeof diagnose>> = {};
    for (const lr of [0.5, 80]) {
      const model = makeModel(64, 10);
      const mon = monitor({ every: 10, histogramEvery: 0 });
      await train(model, mon, lr, 60, await digitsBatch(256));
      runs[lr] = diagnose(mon.run).filter((f) => f.rule.startsWith('lr'));
      model.dispose();
    }
    expect(runs[80]!.map((f) => f.rule)).toContain('lr-too-high');
    expect(runs[0.5]).toEqual([]);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => monitor({ every: 0 })).toThrow(/every: out of range/);
    expect(() => monitor({ bins: 1.5 })).toThrow(/bins/);
  });
});

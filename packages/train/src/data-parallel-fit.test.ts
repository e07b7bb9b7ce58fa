// Data-parallel `fit` (worker threads, one replica each): the same run as one engine within
// float32 tolerance, the same events, checkpoints that resume, no leaks, and a fallback that says so.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BatchEvent, Penalty } from '@trainkit/core';
import { sgd } from '@trainkit/optimizers';
import { describe, expect, it, vi } from 'vitest';
import { blobs } from '../test/blobs';
import type { Checkpoint } from './checkpoint';
import { fit } from './fit';
import { fitFunction } from './fit-function';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
import { accuracy } from './metrics/accuracy';

function net(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        name: 'hidden',
        units: 8,
        inputShape: [2],
        activation: 'tanh',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({
        name: 'logits',
        units: 3,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

const weights = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
const l2: Penalty = (p) =>
  tf.tidy(
    () => tf.mul(tf.sum(tf.square(p[Object.keys(p)[0] as string] as tf.Tensor)), 1e-3) as tf.Scalar,
  );

function expectAllClose(a: number[][], b: number[][], tol: number) {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    row.forEach((v, k) => {
      expect(Math.abs(v - (b[i]?.[k] as number))).toBeLessThan(tol);
    });
  });
}

/** Records the events a listener sees (numbers only). */
function recorder() {
  const seen: string[] = [];
  const batches: {
    epoch: number;
    batch: number;
    step: number;
    size: number;
    loss: number;
    acc: number;
    grads: number;
  }[] = [];
  return {
    seen,
    batches,
    listener: {
      onTrainBegin: () => void seen.push('trainBegin'),
      onEpochBegin: (e: { epoch: number }) => void seen.push(`epochBegin ${e.epoch}`),
      onBatchEnd: (e: BatchEvent) => {
        batches.push({
          epoch: e.epoch,
          batch: e.batch,
          step: e.step,
          size: e.batchSize,
          loss: e.loss.dataSync()[0] as number,
          acc: e.metrics?.acc?.dataSync()[0] as number,
          grads: Object.keys(e.grads ?? {}).length,
        });
      },
      onEpochEnd: (e: { epoch: number }) => void seen.push(`epochEnd ${e.epoch}`),
      onTrainEnd: () => void seen.push('trainEnd'),
    },
  };
}

describe('fit with replicas (data parallel over worker threads)', () => {
  it('trains like one engine: same losses, metrics, events and weights within float32 tolerance', async () => {
    const data = blobs(45); // batches of 16, 16 and 13: uneven shards included
    const val = blobs(12, 5);
    const runs = [];
    for (const replicas of [1, 3]) {
      const model = net();
      const rec = recorder();
      const before = tf.memory().numTensors;
      const result = await fit(model, data, {
        loss: softmaxCrossEntropy(),
        metrics: [accuracy()],
        optimizer: sgd({ learningRate: 0.2, momentum: 0.9 }),
        penalties: [l2],
        epochs: 3,
        batchSize: 16,
        validationData: val,
        progress: false,
        listeners: [rec.listener],
        replicas,
      });
      expect(tf.memory().numTensors).toBe(before);
      runs.push({ result, rec, w: weights(model) });
      model.dispose();
    }
    const [one, three] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(one.result.replicas).toBe(1);
    expect(three.result.replicas).toBe(3);
    expect(three.rec.seen).toEqual(one.rec.seen);
    expect(three.rec.batches.map((b) => [b.epoch, b.batch, b.step, b.size, b.grads])).toEqual(
      one.rec.batches.map((b) => [b.epoch, b.batch, b.step, b.size, b.grads]),
    );
    three.rec.batches.forEach((b, i) => {
      expect(b.loss).toBeCloseTo(one.rec.batches[i]?.loss as number, 4);
      expect(b.acc).toBeCloseTo(one.rec.batches[i]?.acc as number, 5);
    });
    three.result.history.forEach((h, i) => {
      for (const k of ['loss', 'acc', 'val_loss', 'val_acc'])
        expect(h[k]).toBeCloseTo(one.result.history[i]?.[k] as number, 4);
    });
    expectAllClose(three.w, one.w, 1e-4);
    tf.dispose([data.x, data.y, val.x, val.y]);
  });

  it('checkpoints and resumes: a run cut after 1 epoch and resumed ends where an uncut one does', async () => {
    const data = blobs(32, 3);
    const opts = {
      loss: softmaxCrossEntropy(),
      optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
      batchSize: 8,
      progress: false,
      replicas: 2,
    };
    const whole = net();
    await fit(whole, data, { ...opts, epochs: 2 });
    const cut = net();
    let saved: Checkpoint | undefined;
    await fit(cut, data, {
      ...opts,
      epochs: 1,
      onCheckpoint: (c) => {
        saved = c;
      },
    });
    expect(saved?.epoch).toBe(1);
    const resumed = net();
    const r = await fit(resumed, data, { ...opts, epochs: 2, resumeFrom: saved as Checkpoint });
    expect(r.replicas).toBe(2);
    expect(r.step).toBe(8);
    expectAllClose(weights(resumed), weights(whole), 1e-5);
    for (const m of [whole, cut, resumed]) m.dispose();
    tf.dispose([data.x, data.y]);
  });

  it('moving batch-norm statistics are the shard-size-weighted mean of the replicas', async () => {
    // One step of 6 examples on 2 replicas (3 + 3) with momentum 0: each replica's moving mean
    // becomes its shard's mean, so the shared one must be the mean of the two shard means.
    const x = tf.tensor2d([1, 2, 3, 10, 20, 30], [6, 1]);
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1], 'int32');
    const model = tfl.sequential({
      layers: [
        tfl.layers.batchNormalization({ inputShape: [1], momentum: 0 }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const r = await fit(
      model,
      { x, y },
      {
        loss: softmaxCrossEntropy(),
        optimizer: sgd({ learningRate: 0 }),
        batchSize: 6,
        shuffle: false,
        progress: false,
        replicas: 2,
      },
    );
    expect(r.replicas).toBe(2);
    const movingMean = model.nonTrainableWeights[0]?.read().dataSync()[0] as number;
    expect(movingMean).toBeCloseTo((2 + 20) / 2, 4);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('stays flat over 1,000 steps', async () => {
    const data = blobs(8, 9);
    const model = net();
    const before = tf.memory().numTensors;
    const r = await fit(model, data, {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
      optimizer: sgd({ learningRate: 0.05 }),
      batchSize: 4,
      epochs: 500,
      progress: false,
      listeners: [{ onBatchEnd: () => undefined }],
      replicas: 2,
    });
    expect(r.step).toBe(1000);
    expect(r.replicas).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    tf.dispose([data.x, data.y]);
  }, 120_000);

  it('by default, a short run says it is too short to repay replicas and stays on one engine', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const saved = process.env.TRAINKIT_REPLICAS;
    process.env.TRAINKIT_REPLICAS = '2';
    try {
      const data = blobs(40, 6);
      const model = net();
      const r = await fit(model, data, {
        loss: softmaxCrossEntropy(),
        batchSize: 2,
        progress: false,
      });
      expect(r.step).toBe(20);
      expect(r.replicas).toBe(1);
      const notes = warn.mock.calls.map((c) => String(c[0]));
      expect(notes.some((t) => t.includes('not 2 replicas: the run is short'))).toBe(true);
      model.dispose();
      tf.dispose([data.x, data.y]);
    } finally {
      if (saved === undefined) delete process.env.TRAINKIT_REPLICAS;
      else process.env.TRAINKIT_REPLICAS = saved;
      warn.mockRestore();
    }
  });

  it('says once, and trains on one engine, where replicas cannot be used', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const data = blobs(12, 4);
      const w = tf.variable(tf.zeros([2, 3]));
      for (let i = 0; i < 2; i++) {
        const r = await fitFunction({ w }, (p, x) => tf.matMul(x, p.w as tf.Tensor), data, {
          loss: softmaxCrossEntropy(),
          progress: false,
          replicas: 2,
        });
        expect(r.replicas).toBe(1);
      }
      const notes = warn.mock.calls.map((c) => String(c[0]));
      expect(notes.filter((t) => t.includes('one engine'))).toHaveLength(1);
      // A plain-function loss cannot be sent to a worker.
      const model = net();
      const plain = (a: tf.Tensor, b: tf.Tensor) =>
        tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(a, 'int32'), 3), b) as tf.Scalar;
      const r = await fit(model, data, {
        loss: plain as unknown as ReturnType<typeof softmaxCrossEntropy>,
        progress: false,
        replicas: 2,
      });
      expect(r.replicas).toBe(1);
      expect(
        warn.mock.calls.map((c) => String(c[0])).some((t) => t.includes('plain function')),
      ).toBe(true);
      model.dispose();
      w.dispose();
      tf.dispose([data.x, data.y]);
    } finally {
      warn.mockRestore();
    }
  });
});

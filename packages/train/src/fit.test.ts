import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  type BatchEvent,
  ConfigError,
  modelParams,
  type Penalty,
  ShapeError,
} from '@trainkit/core';
import { sgd } from '@trainkit/optimizers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { blobs } from '../test/blobs';
import { testSgd } from '../test/tiny-optimizers';
import { evaluate, fit } from './fit';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
import { accuracy } from './metrics/accuracy';

function tinyModel(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 8,
        inputShape: [2],
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({
        units: 3,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

describe('fit (LayersModel)', () => {
  it('trains a tiny model on separable data: the loss falls and accuracy rises', async () => {
    const data = blobs(96);
    const val = blobs(30, 7);
    const model = tinyModel();
    const { history, epoch, step } = await fit(model, data, {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
      optimizer: sgd({ learningRate: 0.2, momentum: 0.5 }),
      epochs: 8,
      batchSize: 16,
      validationData: val,
      progress: false,
    });
    expect(epoch).toBe(8);
    expect(step).toBe(8 * 6);
    const first = history[0]!;
    const last = history[7]!;
    expect(last.loss!).toBeLessThan(first.loss! * 0.5);
    expect(last.acc!).toBeGreaterThan(0.9);
    expect(last.val_acc!).toBeGreaterThan(0.9);
    const logs = await expectNoLeaks(() =>
      evaluate(model, val, { loss: softmaxCrossEntropy(), metrics: [accuracy()] }),
    );
    expect(logs.acc).toBeCloseTo(last.val_acc!, 6);
    expect(logs.loss).toBeCloseTo(last.val_loss!, 5);
    model.dispose();
    tf.dispose([data.x, data.y, val.x, val.y]);
  });

  it('lends loss, grads, updates and params to listeners, then disposes them', async () => {
    const data = blobs(12);
    const model = tinyModel();
    const kept: BatchEvent[] = [];
    const order: string[] = [];
    let checked = false;
    await fit(model, data, {
      loss: softmaxCrossEntropy(),
      optimizer: testSgd(0.1),
      epochs: 1,
      batchSize: 6,
      shuffle: false,
      progress: false,
      listeners: [
        {
          onTrainBegin: (e) => void order.push(`begin ${e.stepsPerEpoch}`),
          onEpochBegin: (e) => void order.push(`epoch ${e.epoch}`),
          onBatchEnd: async (e) => {
            order.push(`batch ${e.batch} step ${e.step}`);
            kept.push(e);
            expect(Object.keys(e.grads!)).toEqual(Object.keys(modelParams(model)));
            if (!checked) {
              checked = true;
              // SGD: update = -lr * grad, exactly
              const k =
                'dense_Dense1/kernel' in e.grads!
                  ? 'dense_Dense1/kernel'
                  : Object.keys(e.grads!)[0]!;
              const g = await e.grads![k]!.data();
              const u = await e.updates![k]!.data();
              for (let i = 0; i < g.length; i++) expect(u[i]).toBeCloseTo(-0.1 * g[i]!, 7);
              expect(e.learningRate).toBe(0.1);
              expect(e.stepTimeMs).toBeGreaterThanOrEqual(0);
            }
          },
          onEpochEnd: (e) => void order.push(`end ${e.epoch} ${Object.keys(e.logs).join(',')}`),
          onTrainEnd: (e) => void order.push(`done ${e.step}`),
        },
      ],
    });
    expect(order).toEqual([
      'begin 2',
      'epoch 0',
      'batch 0 step 0',
      'batch 1 step 1',
      'end 0 loss',
      'done 2',
    ]);
    for (const e of kept) {
      expect(e.loss.isDisposed).toBe(true);
      expect(Object.values(e.grads!).every((t) => t.isDisposed)).toBe(true);
      expect(Object.values(e.updates!).every((t) => t.isDisposed)).toBe(true);
    }
    model.dispose();
    tf.dispose([data.x, data.y]);
  });

  it('adds penalties to the loss', async () => {
    const data = blobs(12);
    const model = tinyModel();
    const params = modelParams(model);
    const base = await evaluate(model, data, { loss: softmaxCrossEntropy() });
    // a constant penalty of 0.75 plus zero times the weights: visible in the logged loss with lr 0
    const penalty: Penalty = (p) =>
      tf.tidy(() => tf.add(0.75, tf.mul(0, tf.sum(p[Object.keys(p)[0]!]!)))) as tf.Scalar;
    const { history } = await fit(model, data, {
      loss: softmaxCrossEntropy(),
      optimizer: testSgd(0),
      penalties: [penalty],
      batchSize: 12,
      progress: false,
    });
    expect(history[0]!.loss).toBeCloseTo(base.loss! + 0.75, 5);
    expect(Object.keys(params).length).toBe(4);
    model.dispose();
    tf.dispose([data.x, data.y]);
  });

  it('stops when a listener calls stopTraining, after the current step', async () => {
    const data = blobs(30);
    const model = tinyModel();
    const res = await fit(model, data, {
      loss: softmaxCrossEntropy(),
      optimizer: testSgd(0.1),
      epochs: 5,
      batchSize: 5,
      progress: false,
      listeners: [{ onBatchEnd: (e) => (e.step === 2 ? e.stopTraining('enough') : undefined) }],
    });
    expect(res.step).toBe(3);
    expect(res.stopReason).toBe('enough');
    // stopped inside epoch 0 (3 of its 6 batches): the epoch is not counted as done
    expect(res.epoch).toBe(0);
    expect(res.batch).toBe(3);
    expect(res.history).toHaveLength(0);
    model.dispose();
    tf.dispose([data.x, data.y]);
  });

  it('leaks no tensor over 1,000 steps (and none while training)', async () => {
    const data = blobs(16);
    const model = tinyModel();
    const counts: number[] = [];
    await expectNoLeaks(async () => {
      await fit(model, data, {
        loss: softmaxCrossEntropy(),
        metrics: [accuracy()],
        optimizer: testSgd(0.05),
        epochs: 500,
        batchSize: 8,
        progress: false,
        validationData: data,
        listeners: [
          { onBatchEnd: (e) => void (e.step % 100 === 50 && counts.push(tf.memory().numTensors)) },
        ],
      });
    }, 'fit over 1,000 steps');
    expect(counts.length).toBe(10);
    expect(new Set(counts).size).toBe(1);
    model.dispose();
    tf.dispose([data.x, data.y]);
  });

  it('rejects bad input with typed errors naming the argument', async () => {
    const data = blobs(6);
    const model = tinyModel();
    const base = { loss: softmaxCrossEntropy(), optimizer: testSgd(0.1), progress: false };
    await expect(fit({} as never, data, base)).rejects.toThrow(/model/);
    await expect(fit(model, data, { ...base, loss: undefined as never })).rejects.toThrow(
      ConfigError,
    );
    await expect(fit(model, data, { ...base, optimizer: {} as never })).rejects.toThrow(
      /options.optimizer/,
    );
    await expect(fit(model, data, { ...base, epochs: -1 })).rejects.toThrow(/epochs/);
    await expect(fit(model, data, { ...base, batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(fit(model, data, { ...base, accumulateSteps: 1.5 })).rejects.toThrow(
      /accumulateSteps/,
    );
    await expect(fit(model, 42 as never, base)).rejects.toThrow(/data/);
    await expect(fit(model, { x: data.x, y: tf.zeros([5]) }, base)).rejects.toThrow(ShapeError);
    await expect(fit(model, data, { ...base, resumeFrom: {} as never })).rejects.toThrow(
      /resumeFrom/,
    );
    model.dispose();
    tf.dispose([data.x, data.y]);
  });
});

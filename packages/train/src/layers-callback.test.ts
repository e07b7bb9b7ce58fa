import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BatchEvent } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { blobs } from '../test/blobs';
import { toLayersCallback } from './layers-callback';

describe('toLayersCallback', () => {
  it('delivers trainkit events from model.fit and honours stopTraining', async () => {
    const data = blobs(20);
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2] })] });
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const events: string[] = [];
    const lent: BatchEvent[] = [];
    let losses = 0;
    let stopReason: string | undefined;
    const yf = tf.cast(data.y, 'float32');
    const before = tf.memory().numTensors;
    const h = await model.fit(data.x, yf, {
      epochs: 5,
      batchSize: 10,
      verbose: 0,
      callbacks: [
        toLayersCallback({
          onTrainBegin: (e) =>
            void events.push(`begin ${e.epochs} ${Object.keys(e.params).length}`),
          onEpochBegin: (e) => void events.push(`epoch ${e.epoch}`),
          onBatchEnd: async (e) => {
            lent.push(e);
            losses += (await e.loss.data())[0]!;
            expect(e.grads).toBeUndefined();
          },
          onEpochEnd: (e) => {
            events.push(`end ${e.epoch} ${typeof e.logs.loss}`);
            if (e.epoch === 1) e.stopTraining('two is enough');
          },
          onTrainEnd: (e) => {
            stopReason = e.stopReason;
          },
        }),
      ],
    });
    expect(h.epoch.length).toBe(2);
    expect(events).toEqual(['begin 5 2', 'epoch 0', 'end 0 number', 'epoch 1', 'end 1 number']);
    expect(lent.length).toBe(4);
    expect(lent.every((e) => e.loss.isDisposed)).toBe(true);
    expect(losses).toBeGreaterThan(0);
    expect(stopReason).toBe('two is enough');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    tf.dispose([data.x, data.y, yf]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { constant, sgd } from '@trainkit/optimizers';
import { errorCode, expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { blobs } from '../../test/blobs';
import { fitFunction } from '../fit-function';
import { toLayersCallback } from '../layers-callback';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy';
import { exponentialMovingAverage } from './exponential-moving-average';
import { stochasticWeightAveraging } from './stochastic-weight-averaging';
import type { WeightAverage } from './weight-average';
import { weightAverageFromJSON } from './weight-average-from-json';
import { weightSnapshots } from './weight-snapshots';

/** Feeds the weight values `ws` (one scalar weight) to `avg` by hand and reads the average. */
function feed(avg: WeightAverage, ws: number[]): number {
  const w = tf.variable(tf.scalar(0));
  for (const v of ws) {
    w.assign(tf.scalar(v));
    avg.update({ w });
  }
  const out = avg.averaged();
  const r = (out.w as tf.Tensor).dataSync()[0] as number;
  tf.dispose([...Object.values(out), w]);
  avg.dispose();
  return r;
}

const linear = (p: Record<string, tf.Variable>, x: tf.Tensor) =>
  tf.add(tf.matMul(x, p.w as tf.Tensor), p.b as tf.Tensor);
const makeParams = () => ({
  w: tf.variable(
    tf.tensor2d([
      [0.1, -0.2, 0.3],
      [0.2, 0.1, -0.1],
    ]),
  ),
  b: tf.variable(tf.zeros([3])),
});

describe('stochasticWeightAveraging', () => {
  it('is the plain mean of the weights it has seen', () => {
    expect(feed(stochasticWeightAveraging(), [1, 2, 6])).toBeCloseTo(3, 6);
    expect(feed(stochasticWeightAveraging(), [-4])).toBeCloseTo(-4, 6);
  });

  it('averages at the end of epochs startEpoch, startEpoch + everyEpochs, ...', async () => {
    const params = makeParams();
    const data = blobs(30);
    const seen: number[][] = [];
    const swa = stochasticWeightAveraging({ startEpoch: 1, everyEpochs: 2 });
    await fitFunction(params, linear, data, {
      loss: softmaxCrossEntropy(),
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 6,
      batchSize: 10,
      progress: false,
      listeners: [swa, { onEpochEnd: () => void seen.push(Array.from(params.w.dataSync())) }],
    });
    // epochs 1, 3, 5
    expect(swa.count).toBe(3);
    const mean = (seen[0] as number[]).map(
      (_, i) => ((seen[1]![i] as number) + (seen[3]![i] as number) + (seen[5]![i] as number)) / 3,
    );
    const avg = swa.averaged();
    Array.from((avg.w as tf.Tensor).dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(mean[i] as number, 5);
    });
    tf.dispose([...Object.values(avg), ...Object.values(params), data.x, data.y]);
    swa.dispose();
  });

  it('with everySteps, averages the weights after every k-th step from startEpoch', async () => {
    const params = makeParams();
    const data = blobs(30);
    const after: number[][] = [];
    const swa = stochasticWeightAveraging({ startEpoch: 1, everySteps: 2 });
    await fitFunction(params, linear, data, {
      loss: softmaxCrossEntropy(),
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 3,
      batchSize: 10, // 3 steps per epoch: SWA steps 3..8, averaged after steps 4, 6, 8
      progress: false,
      listeners: [
        {
          onBatchEnd: (e) => {
            after[e.step] = Array.from((e.params.w as tf.Variable).dataSync());
          },
        },
        swa,
      ],
    });
    expect(swa.count).toBe(3);
    const avg = swa.averaged();
    Array.from((avg.w as tf.Tensor).dataSync()).forEach((v, i) => {
      const want =
        ((after[4]![i] as number) + (after[6]![i] as number) + (after[8]![i] as number)) / 3;
      expect(v).toBeCloseTo(want, 5);
    });
    tf.dispose([...Object.values(avg), ...Object.values(params), data.x, data.y]);
    swa.dispose();
  });
});

describe('exponentialMovingAverage', () => {
  it('copies the first weights, then avg = b avg + (1 - b) w (PyTorch / timm)', () => {
    // b = 0.5: 1 -> 0.5 + 1 = 1.5 -> 0.75 + 1.5 = 2.25
    expect(feed(exponentialMovingAverage({ decay: 0.5 }), [1, 2, 3])).toBeCloseTo(2.25, 6);
  });

  it('debiased: zero start divided by 1 - prod(b), a normalised weighting', () => {
    // m = 0.5, 1.25, 2.125; 1 - 0.5^3 = 0.875 -> 2.428571 = (0.125 + 0.5 + 1.5 * ... ) / 0.875
    expect(feed(exponentialMovingAverage({ decay: 0.5, debias: true }), [1, 2, 3])).toBeCloseTo(
      2.125 / 0.875,
      6,
    );
    // a constant weight is returned unchanged from the first update
    expect(feed(exponentialMovingAverage({ decay: 0.99, debias: true }), [4, 4])).toBeCloseTo(4, 5);
  });

  it('takes a decay schedule of the update count (TensorFlow warm-up)', () => {
    const warm = (t: number) => Math.min(0.9, (1 + t) / (10 + t));
    // updates 1..3 with b(1) = 2/11, b(2) = 3/12 (update 0 copies)
    const b1 = 2 / 11;
    const b2 = 3 / 12;
    const want = b2 * (b1 * 1 + (1 - b1) * 2) + (1 - b2) * 3;
    expect(feed(exponentialMovingAverage({ decay: warm }), [1, 2, 3])).toBeCloseTo(want, 6);
    // debiased with varying decays: divide by 1 - b0 b1 b2
    const b0 = 1 / 10;
    const m = ((1 - b0) * 1 * b1 + (1 - b1) * 2) * b2 + (1 - b2) * 3;
    expect(feed(exponentialMovingAverage({ decay: warm, debias: true }), [1, 2, 3])).toBeCloseTo(
      m / (1 - b0 * b1 * b2),
      6,
    );
  });

  it('updates once per optimizer step (not per accumulated micro-batch), from startStep every everySteps', async () => {
    const params = makeParams();
    const data = blobs(40);
    const ema = exponentialMovingAverage({ decay: 0.9, startStep: 1, everySteps: 2 });
    const steps: number[] = [];
    const result = await fitFunction(params, linear, data, {
      loss: softmaxCrossEntropy(),
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 2,
      batchSize: 5, // 8 batches, 4 updates per epoch with accumulateSteps 2
      accumulateSteps: 2,
      progress: false,
      listeners: [ema, { onBatchEnd: (e) => void steps.push(e.step) }],
    });
    expect(result.step).toBe(8);
    // steps 1, 3, 5, 7
    expect(ema.count).toBe(4);
    tf.dispose([...Object.values(params), data.x, data.y]);
    ema.dispose();
  });
});

describe('swapping the averaged weights in and out', () => {
  it('applyTo writes the average, restore puts the exact weights back, withAveraged does both', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const swa = stochasticWeightAveraging();
    swa.update({ w });
    w.assign(tf.tensor1d([3, 6]));
    swa.update({ w });
    w.assign(tf.tensor1d([0.5, -0.25]));
    swa.applyTo({ w });
    expect(swa.applied).toBe(true);
    expect(Array.from(w.dataSync())).toEqual([2, 4]);
    swa.restore();
    expect(Array.from(w.dataSync())).toEqual([0.5, -0.25]);
    const inside = await swa.withAveraged(() => Array.from(w.dataSync()), { w });
    expect(inside).toEqual([2, 4]);
    expect(Array.from(w.dataSync())).toEqual([0.5, -0.25]);
    // restored even when the function throws
    await expect(
      swa.withAveraged(
        () => {
          throw new Error('boom');
        },
        { w },
      ),
    ).rejects.toThrow('boom');
    expect(Array.from(w.dataSync())).toEqual([0.5, -0.25]);
    swa.dispose();
    w.dispose();
  });

  it('applies to the params of the last training run by default', async () => {
    const params = makeParams();
    const data = blobs(30);
    const ema = exponentialMovingAverage({ decay: 0.5 });
    await fitFunction(params, linear, data, {
      loss: softmaxCrossEntropy(),
      epochs: 1,
      batchSize: 10,
      progress: false,
      listeners: [ema],
    });
    const avg = ema.averaged();
    ema.applyTo();
    expect(Array.from(params.w.dataSync())).toEqual(Array.from((avg.w as tf.Tensor).dataSync()));
    ema.restore();
    tf.dispose([...Object.values(avg), ...Object.values(params), data.x, data.y]);
    ema.dispose();
  });

  it('leaks no tensor over training, reading, swapping and disposing', async () => {
    const params = makeParams();
    const data = blobs(30);
    await expectNoLeaks(async () => {
      const ema = exponentialMovingAverage({ decay: 0.9, debias: true });
      const swa = stochasticWeightAveraging({ everySteps: 1 });
      await fitFunction(params, linear, data, {
        loss: softmaxCrossEntropy(),
        epochs: 2,
        batchSize: 10,
        progress: false,
        listeners: [ema, swa],
      });
      for (const avg of [ema, swa]) {
        tf.dispose(Object.values(avg.averaged()));
        avg.applyTo();
        avg.restore();
        await avg.withAveraged(() => undefined);
        avg.applyTo();
        avg.dispose(); // keeps the applied weights, frees the backup
      }
    }, 'weight averages');
    tf.dispose([...Object.values(params), data.x, data.y]);
  });

  it('refuses misuse with typed errors naming the argument', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const avg = exponentialMovingAverage();
    expect(errorCode(() => avg.averaged())).toBe('STATE');
    expect(errorCode(() => avg.applyTo({ w }))).toBe('STATE');
    expect(errorCode(() => avg.restore())).toBe('STATE');
    expect(errorCode(() => avg.update(null as never))).toBe('CONFIG');
    expect(errorCode(() => avg.update({ w: tf.zeros([2]) as never }))).toBe('CONFIG');
    avg.update({ w });
    expect(errorCode(() => avg.applyTo())).toBe('STATE'); // never saw a training run
    const other = tf.variable(tf.zeros([3]));
    expect(errorCode(() => avg.update({ w: other }))).toBe('SHAPE');
    expect(errorCode(() => avg.update({ v: w }))).toBe('CONFIG');
    avg.applyTo({ w });
    expect(errorCode(() => avg.applyTo({ w }))).toBe('STATE');
    expect(errorCode(() => avg.update({ w }))).toBe('STATE');
    avg.restore();
    avg.dispose();
    expect(errorCode(() => avg.update({ w }))).toBe('STATE');
    tf.dispose([w, other]);
  });

  it('rejects bad options naming them', () => {
    const arg = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as { argument?: string }).argument;
      }
      return undefined;
    };
    expect(arg(() => exponentialMovingAverage({ decay: 1 }))).toBe('decay');
    expect(arg(() => exponentialMovingAverage({ decay: () => 2 }))).toBe('decay(0)');
    expect(arg(() => exponentialMovingAverage({ debias: 'yes' as never }))).toBe('debias');
    expect(arg(() => exponentialMovingAverage({ startStep: -1 }))).toBe('startStep');
    expect(arg(() => exponentialMovingAverage({ everySteps: 0 }))).toBe('everySteps');
    expect(arg(() => stochasticWeightAveraging({ startEpoch: 0.5 }))).toBe('startEpoch');
    expect(arg(() => stochasticWeightAveraging({ everyEpochs: 0 }))).toBe('everyEpochs');
    expect(arg(() => stochasticWeightAveraging({ everySteps: -3 }))).toBe('everySteps');
    expect(arg(() => weightAverageFromJSON({ kind: 'nope' }))).toBe('json');
    expect(arg(() => weightSnapshots({ epochs: 5 as never }))).toBe('epochs');
    expect(() => exponentialMovingAverage(null as never)).not.toThrow();
  });

  it('round-trips its configuration through JSON', () => {
    for (const avg of [
      exponentialMovingAverage({ decay: 0.99, debias: true, startStep: 5, everySteps: 2 }),
      exponentialMovingAverage({ decay: constant({ value: 0.9 }) }),
      stochasticWeightAveraging({ startEpoch: 3, everyEpochs: 2 }),
      stochasticWeightAveraging({ startEpoch: 3, everySteps: 50 }),
    ]) {
      const again = weightAverageFromJSON(JSON.parse(JSON.stringify(avg.toJSON())));
      expect(again.toJSON()).toEqual(avg.toJSON());
    }
  });
});

describe('dispose after applyTo', () => {
  it('keeps the averaged weights in the model (apply, then dispose = keep the average)', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const swa = stochasticWeightAveraging();
    swa.update({ w });
    w.assign(tf.tensor1d([3]));
    swa.update({ w });
    const before = tf.memory().numTensors;
    swa.applyTo({ w });
    swa.dispose();
    expect(w.dataSync()[0]).toBe(2);
    expect(tf.memory().numTensors).toBe(before - 1); // the one average Variable freed, no backup left
    w.dispose();
  });
});

describe('under tfjs model.fit (toLayersCallback)', () => {
  it('the EMA counts every batch and the SWA every epoch, and swap into the model', async () => {
    const data = blobs(40);
    const yf = tf.cast(data.y, 'float32');
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2] })] });
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const ema = exponentialMovingAverage({ decay: 0.5 });
    const swa = stochasticWeightAveraging({ startEpoch: 1 });
    const kernels: number[][] = [];
    await model.fit(data.x, yf, {
      epochs: 3,
      batchSize: 10,
      verbose: 0,
      callbacks: [
        toLayersCallback(ema),
        toLayersCallback(swa),
        toLayersCallback({
          onEpochEnd: () => void kernels.push(Array.from(model.getWeights()[0]!.dataSync())),
        }),
      ],
    });
    expect(ema.count).toBe(12); // 4 batches x 3 epochs
    expect(swa.count).toBe(2); // epochs 1 and 2
    swa.applyTo();
    Array.from(model.getWeights()[0]!.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(((kernels[1]![i] as number) + (kernels[2]![i] as number)) / 2, 5);
    });
    swa.restore();
    expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual(kernels[2]);
    ema.dispose();
    swa.dispose();
    tf.dispose([data.x, data.y, yf]);
    model.dispose();
  });
});

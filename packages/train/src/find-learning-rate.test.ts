import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isTrainkitError } from '@trainkit/core';
import { adam, sgd } from '@trainkit/optimizers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { blobs } from '../test/blobs';
import { findLearningRate } from './find-learning-rate';
import { fit } from './fit';
import { meanSquaredError } from './losses/mean-squared-error';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';

// Least squares y = X w with orthogonal columns: the MSE's Hessian (2/n) X^T X is diag(1, 4)
// for n = 4, so gradient descent diverges for learning rates above 2 / 4 = 0.5.
const X = [
  [1, 0],
  [0, 2],
  [1, 0],
  [0, 2],
];
const Y = [1, -2, 3, 2];
const W0 = [0.5, -0.25];

function linearModel(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 1, inputShape: [2], useBias: false })],
  });
  model.setWeights([tf.tensor2d(W0, [2, 1])]);
  return model;
}

/** Full-batch gradient descent on the least squares in float64: the loss before each step. */
function referenceLosses(lrs: number[]): number[] {
  const w = [...W0];
  const n = X.length;
  return lrs.map((lr) => {
    const r = X.map((x, i) => (x[0] as number) * w[0]! + (x[1] as number) * w[1]! - Y[i]!);
    const loss = r.reduce((a, v) => a + v * v, 0) / n;
    for (let j = 0; j < 2; j++) {
      const g = (2 / n) * X.reduce((a, x, i) => a + (x[j] as number) * r[i]!, 0);
      w[j] = w[j]! - lr * g;
    }
    return loss;
  });
}

describe('findLearningRate', () => {
  it('sweeps the rate exponentially, records the loss of plain gradient descent, stops past the stability limit 2 / lambda_max', async () => {
    const model = linearModel();
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y, [4, 1]);
    const r = await findLearningRate(
      model,
      { x, y },
      {
        loss: meanSquaredError(),
        optimizer: (learningRate) => sgd({ learningRate }),
        minLearningRate: 1e-3,
        maxLearningRate: 10,
        steps: 41,
        batchSize: 4,
        smoothing: 0.5,
      },
    );
    // Rates: 1e-3 * 10^(4 i / 40), i.e. ten per decade.
    r.learningRates.forEach((lr, i) => {
      expect(lr).toBeCloseTo(1e-3 * 10 ** (i / 10), 12);
    });
    const ref = referenceLosses(r.learningRates);
    // Up to the rate where the iterates start to blow up (float32 amplifies its rounding there).
    r.losses.forEach((l, i) => {
      if (r.learningRates[i]! <= 2) expect(Math.abs(l - ref[i]!) / ref[i]!).toBeLessThan(1e-5);
    });
    // Bias-corrected EMA with beta 0.5, by hand.
    let avg = 0;
    r.losses.forEach((l, i) => {
      avg = 0.5 * avg + 0.5 * l;
      expect(r.smoothedLosses[i]).toBeCloseTo(avg / (1 - 0.5 ** (i + 1)), 6);
    });
    // It stops where the reference's smoothed loss first exceeds 4 times its minimum (the
    // component along lambda_max = 4 grows by |1 - 4 lr| > 1 per step once lr > 0.5).
    let refAvg = 0;
    let refBest = Number.POSITIVE_INFINITY;
    const refStop = referenceLosses(Array.from({ length: 41 }, (_, i) => 1e-3 * 10 ** (i / 10)))
      .map((l, i) => {
        refAvg = 0.5 * refAvg + 0.5 * l;
        const s = refAvg / (1 - 0.5 ** (i + 1));
        refBest = Math.min(refBest, s);
        return s > 4 * refBest;
      })
      .indexOf(true);
    expect(r.stopReason).toBe('diverged');
    expect(Math.abs(r.learningRates.length - 1 - refStop)).toBeLessThanOrEqual(1);
    expect(r.learningRates[r.learningRates.length - 1]).toBeGreaterThan(0.5);
    // The minimum, a tenth of it (the suggestion, inside the stable range lr < 0.5), and the
    // steepest fall of the smoothed curve before the minimum, found by hand.
    const iMin = r.smoothedLosses.indexOf(Math.min(...r.smoothedLosses));
    expect(r.minimumLossLearningRate).toBe(r.learningRates[iMin]);
    expect(r.suggestedLearningRate).toBeCloseTo(r.learningRates[iMin]! / 10, 12);
    expect(r.suggestedLearningRate).toBeLessThan(0.5);
    let steepest = 0;
    let slopeMin = 0;
    for (let i = 1; i < iMin; i++) {
      const slope =
        (r.smoothedLosses[i + 1]! - r.smoothedLosses[i - 1]!) /
        Math.log10(r.learningRates[i + 1]! / r.learningRates[i - 1]!);
      if (slope < slopeMin) [slopeMin, steepest] = [slope, r.learningRates[i]!];
    }
    expect(r.steepestLearningRate).toBe(steepest);
    expect(r.steepestLearningRate).toBeGreaterThan(1e-2);
    expect(r.steepestLearningRate).toBeLessThan(0.5);
    // The weights are back.
    expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual(W0);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('restores every weight (batch-norm statistics too) and leaks no tensor', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 8, inputShape: [2], activation: 'relu' }),
        tfl.layers.batchNormalization(),
        tfl.layers.dense({ units: 3 }),
      ],
    });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const data = blobs(64);
    const r = await expectNoLeaks(
      () =>
        findLearningRate(model, data, {
          loss: softmaxCrossEntropy(),
          steps: 30,
          batchSize: 16,
          minLearningRate: 1e-4,
          maxLearningRate: 100,
        }),
      'findLearningRate',
    );
    expect(r.losses.length).toBeGreaterThanOrEqual(3);
    expect(r.losses.length).toBeLessThanOrEqual(30);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  it('refuses bad options with typed errors naming the argument', async () => {
    const model = linearModel();
    const data = { x: tf.tensor2d(X), y: tf.tensor2d(Y, [4, 1]) };
    const loss = meanSquaredError();
    const argumentOf = async (o: object) => {
      try {
        await findLearningRate(model, data, { loss, ...o });
      } catch (e) {
        expect(isTrainkitError(e)).toBe(true);
        return (e as { argument?: string }).argument;
      }
      return 'no error';
    };
    expect(await argumentOf({ minLearningRate: 1, maxLearningRate: 0.1 })).toBe('maxLearningRate');
    expect(await argumentOf({ minLearningRate: 0 })).toBe('minLearningRate');
    expect(await argumentOf({ steps: 2 })).toBe('steps');
    expect(await argumentOf({ smoothing: 1 })).toBe('smoothing');
    expect(await argumentOf({ divergenceThreshold: 1 })).toBe('divergenceThreshold');
    expect(await argumentOf({ optimizer: 'adam' })).toBe('optimizer');
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  it('runs the README example: the suggested rate trains the model', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 3, inputShape: [2] })],
    });
    const { x, y } = blobs(90);
    const r = await findLearningRate(
      model,
      { x, y },
      {
        loss: softmaxCrossEntropy(),
        optimizer: (lr) => adam({ learningRate: lr }),
        steps: 100,
      },
    );
    const { history } = await fit(
      model,
      { x, y },
      {
        loss: softmaxCrossEntropy(),
        optimizer: adam({ learningRate: r.suggestedLearningRate }),
        epochs: 5,
        progress: false,
      },
    );
    expect(r.suggestedLearningRate).toBeGreaterThan(1e-5);
    expect(history[4]!.loss).toBeLessThan(history[0]!.loss!);
    tf.dispose([x, y]);
    model.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { cosineDecay, sgd, swaSchedule } from '@trainkit/optimizers';
import { describe, expect, it } from 'vitest';
import fixture from '../../fixtures/averaging.json';
import { fitFunction } from '../fit-function';
import { meanSquaredError } from '../losses/mean-squared-error';
import { exponentialMovingAverage } from './exponential-moving-average';
import { stochasticWeightAveraging } from './stochastic-weight-averaging';

function expectClose(got: tf.Tensor, want: number[] | number[][], rel = 2e-5): void {
  const g = Array.from(got.dataSync());
  const w = (want as number[][]).flat() as number[];
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => {
    const tol = rel * Math.max(1, Math.abs(w[i] as number));
    if (Math.abs(v - (w[i] as number)) > tol) throw new Error(`entry ${i}: ${v} vs ${w[i]}`);
  });
}

// The loop of torch.optim.swa_utils' documentation (scripts/make_averaging_fixtures.py), one
// full-batch step per epoch, so the schedule's step is the epoch.
describe('SWA and EMA agree with PyTorch AveragedModel + SWALR', () => {
  for (const run of fixture.runs) {
    it(`${run.base} base, SWALR ${run.annealStrategy} over ${run.annealEpochs} epochs`, async () => {
      const params = {
        'dense/kernel': tf.variable(tf.tensor2d(fixture.w0)),
        'dense/bias': tf.variable(tf.tensor1d(fixture.b0)),
      };
      const x = tf.tensor2d(fixture.x);
      const y = tf.tensor2d(fixture.y);
      const base =
        run.base === 'cosine'
          ? cosineDecay({ initialValue: 0.1, decaySteps: fixture.epochs })
          : 0.1;
      const learningRate = swaSchedule({
        schedule: base,
        start: fixture.swaStartEpoch,
        swaLearningRate: run.swaLearningRate,
        annealSteps: run.annealEpochs,
        annealStrategy: run.annealStrategy as 'cos' | 'linear',
      });
      const swa = stochasticWeightAveraging({ startEpoch: fixture.swaStartEpoch });
      const ema = exponentialMovingAverage({ decay: fixture.emaDecay });
      const lrs: number[] = [];
      await fitFunction(
        params,
        (p, xb) =>
          tf.add(tf.matMul(xb, p['dense/kernel'] as tf.Tensor), p['dense/bias'] as tf.Tensor),
        { x, y },
        {
          loss: meanSquaredError(),
          optimizer: sgd({ learningRate, momentum: 0.9 }),
          epochs: fixture.epochs,
          batchSize: 8,
          shuffle: false,
          progress: false,
          listeners: [swa, ema, { onBatchEnd: (e) => void lrs.push(e.learningRate as number) }],
        },
      );
      lrs.forEach((lr, i) => {
        expect(lr).toBeCloseTo(run.lrs[i] as number, 10);
      });
      expectClose(params['dense/kernel'], run.final['dense/kernel']);
      expect(swa.count).toBe(run.swaCount);
      const s = swa.averaged();
      expectClose(s['dense/kernel'] as tf.Tensor, run.swa['dense/kernel']);
      expectClose(s['dense/bias'] as tf.Tensor, run.swa['dense/bias']);
      const e = ema.averaged();
      expectClose(e['dense/kernel'] as tf.Tensor, run.ema['dense/kernel']);
      expectClose(e['dense/bias'] as tf.Tensor, run.ema['dense/bias']);
      tf.dispose([...Object.values(s), ...Object.values(e), x, y, ...Object.values(params)]);
      swa.dispose();
      ema.dispose();
    });
  }
});

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { accuracy, evaluate, f1Score, gradientCheck, softmaxCrossEntropy } from './index';

it('the README example on gradient checks and classification metrics runs as documented', async () => {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 8, activation: 'tanh', name: 'hidden' }),
      tfl.layers.dropout({ rate: 0.5 }), // off during the check (training: false)
      tfl.layers.dense({ units: 3, name: 'out' }),
    ],
  });
  const seeded = model
    .getWeights()
    .map((w, i) => tf.randomNormal(w.shape, 0, 0.5, 'float32', 100 + i)); // tfjs treats seed 0 as none;
  model.setWeights(seeded);
  const x = tf.randomNormal([30, 4], 0, 1, 'float32', 1);
  const y = tf.tensor1d(
    [...Array(30).keys()].map((i) => i % 3),
    'int32',
  );

  const check = await gradientCheck(model, { x, y, loss: softmaxCrossEntropy() });
  const lines = check.weights.map(
    (w) =>
      `${w.name} ${w.verdict} ${w.maxRelativeError.toExponential(1)} all ${w.maxRelativeErrorAll.toExponential(1)} (${w.withinNoise}/${w.checked} within noise)`,
  );
  // tfjs' own layers have correct gradients: 'ok' (agreement up to float32 noise).
  expect(check.verdict).toBe('ok');
  // As printed in the README.
  expect(lines).toEqual([
    'hidden/kernel ok 0.0e+0 all 1.6e-1 (30/30 within noise)',
    'hidden/bias ok 0.0e+0 all 2.7e-2 (8/8 within noise)',
    'out/kernel ok 0.0e+0 all 6.3e-4 (24/24 within noise)',
    'out/bias ok 0.0e+0 all 4.1e-4 (3/3 within noise)',
  ]);
  expect(lines.map((l) => l.split(' ')[0])).toEqual([
    'hidden/kernel',
    'hidden/bias',
    'out/kernel',
    'out/bias',
  ]);

  const { logs, classification } = await evaluate(
    model,
    { x, y },
    {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy(), f1Score({ average: 'macro' })],
      classification: { labels: ['a', 'b', 'c'] },
    },
  );
  expect(logs.f1_macro).toBe(classification.macro.f1);
  expect(logs.acc).toBeCloseTo(classification.accuracy, 6);
  expect(classification.confusionMatrix.flat().reduce((a, b) => a + b)).toBe(30);
  expect(classification.perClass.map((c) => c.support)).toEqual([10, 10, 10]);
  expect(logs.f1_macro).toBeCloseTo(0.3292, 4);
  expect(classification.confusionMatrix).toEqual([
    [3, 4, 3],
    [3, 2, 5],
    [1, 4, 5],
  ]);
  tf.dispose([x, y, ...seeded]);
  model.dispose();
});

import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { sgd, swaSchedule } from '@trainkit/optimizers';
import { markedBody, readmeBlock, withoutImports } from '@trainkit/test-utils';
import { expect, it } from 'vitest';
import {
  accuracy,
  evaluate,
  exponentialMovingAverage,
  fit,
  predictionEnsemble,
  snapshotEnsemble,
  softmaxCrossEntropy,
  stochasticWeightAveraging,
  weightSnapshots,
} from './index';

const here = fileURLToPath(import.meta.url);
const readme = fileURLToPath(new URL('../README.md', import.meta.url));

it('the README weight-averaging example is this test, and it runs', async () => {
  expect(withoutImports(readmeBlock(readme, '## Weight averaging and ensembles'))).toBe(
    markedBody(here),
  );
  const before = tf.memory().numTensors;
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    // README:begin
    // Two classes in opposite quadrants (x0 * x1 > 0), a small MLP with logits.
    const data = (seed: number) => {
      const x = tf.randomNormal([512, 2], 0, 1, 'float32', seed);
      const y = tf.tidy(() => tf.cast(tf.greater(tf.prod(x, 1), 0), 'int32'));
      return { x, y };
    };
    const train = data(1);
    const test = data(2);
    const makeModel = (seed: number) =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({
            units: 32,
            activation: 'relu',
            inputShape: [2],
            kernelInitializer: tfl.initializers.heNormal({ seed }),
          }),
          tfl.layers.dense({
            units: 2,
            kernelInitializer: tfl.initializers.heNormal({ seed: seed + 1 }),
          }),
        ],
      });
    const stepsPerEpoch = 512 / 32;

    const model = makeModel(1);
    const ema = exponentialMovingAverage({ decay: 0.99 }); // after every step
    const swa = stochasticWeightAveraging({ startEpoch: 6 }); // end of epochs 6..9
    const snapshots = weightSnapshots({ model, epochs: [7, 8, 9] }); // checkpoints of this run
    await fit(model, train, {
      loss: softmaxCrossEntropy(),
      optimizer: sgd({
        momentum: 0.9,
        // 0.1, then from epoch 6 a cosine descent over one epoch to the SWA rate 0.02
        learningRate: swaSchedule({
          schedule: 0.1,
          start: 6 * stepsPerEpoch,
          swaLearningRate: 0.02,
          annealSteps: stepsPerEpoch,
        }),
      }),
      epochs: 10,
      batchSize: 32,
      rng: 0,
      progress: false,
      listeners: [ema, swa, snapshots],
    });
    const score = { loss: softmaxCrossEntropy(), metrics: [accuracy()] };
    const acc = async (f: () => Promise<{ acc?: number }>) => (await f()).acc?.toFixed(3);
    console.log('final model', await acc(() => evaluate(model, test, score)));
    console.log(
      'EMA        ',
      await acc(() => ema.withAveraged(() => evaluate(model, test, score))),
    );
    console.log(
      'SWA        ',
      await acc(() => swa.withAveraged(() => evaluate(model, test, score))),
    );
    // With batch normalization, re-estimate its statistics for the averaged weights first:
    //   swa.applyTo(); await recomputeStatistics(model, trainBatches); // @trainkit/batchnorm

    const checkpoints = snapshotEnsemble(model, snapshots.snapshots, { output: 'logits' });
    console.log(
      'snapshots  ',
      await acc(() => checkpoints.evaluate(test, { metrics: [accuracy()] })),
    );
    const other = makeModel(7);
    await fit(other, train, {
      loss: softmaxCrossEntropy(),
      optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
      epochs: 10,
      batchSize: 32,
      rng: 1,
      progress: false,
    });
    const ensemble = predictionEnsemble([model, other], { output: 'logits' });
    console.log('2 models   ', await acc(() => ensemble.evaluate(test, { metrics: [accuracy()] })));
    const p = ensemble.predict(test.x); // [512, 2]: the mean of the two softmax outputs

    swa.applyTo(); // keep the SWA weights in the model
    tf.dispose([p, train.x, train.y, test.x, test.y]);
    for (const l of [ema, swa, snapshots]) l.dispose();
    // README:end
    other.dispose();
    model.dispose();
  } finally {
    console.log = log;
  }
  expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['final', 'EMA', 'SWA', 'snapshots', '2']);
  for (const l of lines) expect(Number(l.trim().split(/\s+/).at(-1))).toBeGreaterThan(0.85);
  log(lines.join('\n'));
  expect(tf.memory().numTensors).toBe(before);
});

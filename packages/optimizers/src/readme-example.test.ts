import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import {
  adamw,
  chain,
  clipByGlobalNorm,
  cosineDecay,
  createOptimizerState,
  freeze,
  linearWarmup,
  multiplyLearningRates,
  sgd,
  toLayersOptimizer,
} from './index';

it('the README example runs: the loop fits the linear map, fit leaves the frozen layer alone', async () => {
  // 1. (as in the README)
  const params = {
    'dense/kernel': tf.variable(tf.zeros([3, 1])),
    'dense/bias': tf.variable(tf.zeros([1])),
  };
  const x = tf.randomNormal([32, 3], 0, 1, 'float32', 7);
  const y = tf.matMul(x, tf.tensor([[1], [-2], [0.5]]));
  const lr = linearWarmup(cosineDecay({ initialValue: 0.05, decaySteps: 200 }), {
    warmupSteps: 20,
  });
  const opt = createOptimizerState(
    chain(clipByGlobalNorm({ maxNorm: 1 }), adamw({ learningRate: lr, weightDecay: 0 })),
    params,
  );
  for (let step = 0; step < 220; step++) {
    const { value, grads } = tf.variableGrads(() =>
      tf.losses.meanSquaredError(
        y,
        tf.add(tf.matMul(x, params['dense/kernel']), params['dense/bias']),
      ),
    );
    opt.step(grads);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const k = await params['dense/kernel'].data();
  // The data are noiseless: the fit recovers [1, -2, 0.5].
  expect(Math.abs(k[0]! - 1)).toBeLessThan(0.05);
  expect(Math.abs(k[1]! + 2)).toBeLessThan(0.05);
  expect(Math.abs(k[2]! - 0.5)).toBeLessThan(0.05);

  // 2.
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 8, inputShape: [3], activation: 'relu', name: 'features' }),
      tfl.layers.dense({ units: 8, activation: 'relu', name: 'middle' }),
      tfl.layers.dense({ units: 1, name: 'head' }),
    ],
  });
  const before = [...model.getWeights()[0]!.dataSync()];
  const fineTune = freeze(
    'features',
    multiplyLearningRates({ middle: 0.1 }, sgd({ learningRate: 0.01, momentum: 0.9 })),
  );
  model.compile({ optimizer: toLayersOptimizer(fineTune), loss: 'meanSquaredError' });
  await model.fit(x, y, { epochs: 3, verbose: 0 });
  expect([...model.getWeights()[0]!.dataSync()]).toEqual(before);
  opt.dispose();
  model.optimizer.dispose();
  tf.dispose([x, y, ...Object.values(params)]);
});

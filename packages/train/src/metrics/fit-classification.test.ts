import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { sgd } from '@trainkit/optimizers';
import { expect, it } from 'vitest';
import { blobs } from '../../test/blobs';
import { evaluate, fit } from '../fit';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy';
import { classificationReport } from './classification-report';
import { f1Score, precision } from './precision-recall-f1';

it("fit's val_f1_macro / val_precision_weighted are the exact scores of the validation data", async () => {
  const data = blobs(60);
  const val = blobs(45, 9);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 3,
        inputShape: [2],
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
  const { history } = await fit(model, data, {
    loss: softmaxCrossEntropy(),
    metrics: [f1Score(), precision({ average: 'weighted' })],
    optimizer: sgd({ learningRate: 0.05 }),
    epochs: 2,
    batchSize: 20,
    validationData: val,
    progress: false,
  });
  const last = history.at(-1)!;
  const { classification } = await evaluate(model, val, {
    loss: softmaxCrossEntropy(),
    classification: true,
  });
  // Independent: the report recomputed from predictions read back to JavaScript.
  const pred = tf.tidy(() => tf.argMax(model.predict(val.x) as tf.Tensor, 1));
  const labels = await val.y.array();
  const m = [0, 1, 2].map(() => [0, 0, 0]);
  ((await pred.array()) as number[]).forEach((p, i) => {
    m[labels[i]!]![p]! += 1;
  });
  expect(classification.confusionMatrix).toEqual(m);
  const hand = classificationReport(m);
  expect(last.val_f1_macro).toBeCloseTo(hand.macro.f1, 12);
  expect(last.val_precision_weighted).toBeCloseTo(hand.weighted.precision, 12);
  expect(typeof last.f1_macro).toBe('number'); // the training-batch mean is logged too
  tf.dispose([data.x, data.y, val.x, val.y, pred]);
  model.dispose();
});

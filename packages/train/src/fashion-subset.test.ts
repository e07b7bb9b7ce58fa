import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { embeddedFashionMnist } from '@trainkit/data/node';
import { sgd } from '@trainkit/optimizers';
import { describe, expect, it } from 'vitest';
import { fit } from './fit';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
import { accuracy } from './metrics/accuracy';

describe('fit on the shipped Fashion-MNIST subset', () => {
  it('trains softmax regression on 400 images: the loss falls well below log(10)', async () => {
    const { train } = await embeddedFashionMnist();
    const t = train.toTensors();
    // the first 400 images (the subset keeps the official file order: all classes mixed)
    const x = tf.tidy(() => tf.div(tf.reshape(tf.slice(t.x, 0, 400), [400, 784]), 255));
    const y = tf.slice(t.y, 0, 400);
    tf.dispose([t.x, t.y]);
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 10, inputShape: [784], kernelInitializer: 'zeros' })],
    });
    const { history } = await fit(
      model,
      { x, y },
      {
        loss: softmaxCrossEntropy(),
        metrics: [accuracy()],
        optimizer: sgd({ learningRate: 0.1 }),
        epochs: 4,
        batchSize: 50,
        rng: 3,
        progress: false,
      },
    );
    const losses = history.map((h) => h.loss as number);
    expect(losses[0]).toBeLessThan(Math.log(10)); // zero weights start at exactly log 10
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1] as number);
    expect(losses[3]).toBeLessThan(1.2);
    expect(history[3]?.acc).toBeGreaterThan(0.6);
    model.dispose();
    tf.dispose([x, y]);
  });
});

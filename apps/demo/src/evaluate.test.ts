import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dataset } from '@trainkit/data';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { evaluateOn } from './evaluate';

// A 2x2 "image" classifier whose logit j is pixel j (j < 3): it predicts the brightest of the
// first three pixels, so every prediction below is known by hand.
function pixelPicker(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [2, 2, 1] }),
      tfl.layers.dense({ units: 3, useBias: false }),
    ],
  });
  const kernel = tf.tensor2d([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], [4, 3]);
  model.setWeights([kernel]);
  kernel.dispose();
  return model;
}

const images = [
  [0.9, 0.1, 0.1, 0], // -> 0, label 0
  [0.1, 0.9, 0.1, 0], // -> 1, label 1
  [0.1, 0.1, 0.9, 0], // -> 2, label 2
  [0.2, 0.6, 0.1, 1], // -> 1, label 0 (wrong)
  [0.3, 0.4, 0.2, 0], // -> 1, label 1
];
const val = new Dataset({
  x: Float32Array.from(images.flat()),
  y: [0, 1, 2, 0, 1],
  shape: [2, 2, 1],
  numClasses: 3,
});

describe('evaluateOn', () => {
  it('counts the confusion matrix [true][predicted] and lists the misclassified examples', async () => {
    const model = pixelPicker();
    const e = await evaluateOn(model, val, 100);
    expect(e.count).toBe(5);
    expect(e.accuracy).toBeCloseTo(4 / 5, 12);
    expect(e.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [0, 0, 1],
    ]);
    expect(e.misclassified).toEqual([
      { index: 3, label: 0, predicted: 1, pixels: [51, 153, 26, 255] },
    ]);
    model.dispose();
  });

  it('evaluates only the first `limit` examples', async () => {
    const model = pixelPicker();
    const e = await evaluateOn(model, val, 3);
    expect(e.count).toBe(3);
    expect(e.accuracy).toBe(1);
    expect(e.confusion.flat().reduce((a, b) => a + b, 0)).toBe(3);
    model.dispose();
  });

  it('leaks no tensor', async () => {
    const model = pixelPicker();
    await expectNoLeaks(() => evaluateOn(model, val, 5));
    model.dispose();
  });
});

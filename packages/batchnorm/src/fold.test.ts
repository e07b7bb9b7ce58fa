import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  BatchNormalization,
  batchNormalization,
  registerBatchNormalization,
} from './batch-normalization';
import { fold } from './fold';

function convNet() {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [5, 5, 2],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
      }),
      batchNormalization({ momentum: 0.5 }),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3 }),
      batchNormalization({ momentum: 0.5, center: false }),
      tfl.layers.dense({ units: 2, activation: 'relu' }),
      batchNormalization({ momentum: 0.5 }), // after a non-linear layer: cannot fold
    ],
  });
  // Non-trivial statistics and affine parameters.
  tf.tidy(() => {
    for (let i = 0; i < 3; i++)
      model.apply(tf.randomNormal([8, 5, 5, 2], 1, 2, 'float32', i), { training: true });
    for (const bn of model.layers.filter((l) => l instanceof BatchNormalization)) {
      const c = (bn as BatchNormalization).movingMean.shape[0]!;
      if (bn.gamma) bn.gamma.write(tf.randomUniform([c], 0.5, 2, 'float32', 7));
      if (bn.beta) bn.beta.write(tf.randomUniform([c], -1, 1, 'float32', 8));
    }
  });
  return model;
}

describe('fold', () => {
  it('merges BN into the preceding linear conv/dense with equal outputs (1e-5)', () => {
    registerBatchNormalization();
    const model = convNet();
    const folded = fold(model);
    const names = folded.layers.map((l) => l.getClassName());
    expect(names.filter((n) => n === 'TrainkitBatchNormalization')).toHaveLength(1);
    expect(folded.layers).toHaveLength(model.layers.length - 2);
    const x = tf.randomNormal([6, 5, 5, 2], 1, 2, 'float32', 42);
    const a = model.predict(x) as tf.Tensor;
    const b = folded.predict(x) as tf.Tensor;
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    const scale = tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]!);
    expect(scale).toBeGreaterThan(0.1); // not a vacuous comparison of zeros
    expect(err).toBeLessThan(1e-5);
    // The folded model owns copies: changing the source does not change it.
    tf.tidy(() => {
      model.layers[0]!.setWeights([tf.zeros([3, 3, 2, 4])]);
    });
    const c = folded.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(c, b))).dataSync()[0]!)).toBe(0);
    tf.dispose([x, a, b, c]);
    model.dispose();
    folded.dispose();
  });

  it('rejects non-Sequential models and non-models', () => {
    const input = tfl.input({ shape: [3] });
    const out = batchNormalization().apply(
      tfl.layers.dense({ units: 2 }).apply(input),
    ) as tfl.SymbolicTensor;
    const functional = tfl.model({ inputs: input, outputs: out });
    expect(() => fold(functional)).toThrow(
      expect.objectContaining({ code: 'CONFIG', argument: 'model' }),
    );
    expect(() => fold({} as tfl.Sequential)).toThrow(
      expect.objectContaining({ argument: 'model' }),
    );
  });

  it('leaks nothing once the folded model is disposed', async () => {
    registerBatchNormalization();
    const model = convNet();
    await expectNoLeaks(() => {
      fold(model).dispose();
    });
    model.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { lenet5 } from './lenet5';
import { smallResnet } from './small-resnet';
import { toFullyConvolutional } from './to-fully-convolutional';

const close = async (a: tf.Tensor, b: tf.Tensor) => {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0]!;
  d.dispose();
  return v;
};

describe('toFullyConvolutional', () => {
  it('turns Flatten -> Dense into an h x w conv and later Dense into 1x1 (equal outputs)', async () => {
    // 36x36 LeNet: S4 is 6x6, C5 gives a 2x2x120 volume, so F6 becomes a 2x2 conv.
    const model = lenet5({ inputShape: [36, 36, 1], variant: 'modern' });
    const fcn = toFullyConvolutional(model);
    const f6 = fcn.getLayer('f6');
    expect(f6.getClassName()).toBe('Conv2D');
    expect((f6.getWeights()[0] as tf.Tensor).shape).toEqual([2, 2, 120, 84]);
    expect((fcn.getLayer('output').getWeights()[0] as tf.Tensor).shape).toEqual([1, 1, 84, 10]);
    const x = tf.randomNormal([3, 36, 36, 1], 0, 1, 'float32', 7);
    const a = model.predict(x) as tf.Tensor;
    const b = fcn.predict(x) as tf.Tensor;
    expect(b.shape).toEqual([3, 1, 1, 10]);
    const flat = tf.reshape(b, [3, 10]);
    expect(await close(a, flat)).toBeLessThan(1e-5);
    tf.dispose([x, a, b, flat]);
    model.dispose();
    fcn.dispose();
  });

  it('slides over larger images: each output cell equals the original net on that window', async () => {
    const model = lenet5({ inputShape: [36, 36, 1] });
    const fcn = toFullyConvolutional(model);
    model.getLayer('c1').getWeights(); // original still usable after conversion
    const big = tf.randomNormal([1, 44, 44, 1], 0, 1, 'float32', 11);
    const map = fcn.predict(big) as tf.Tensor;
    // Net stride = 2 pools of 2 = 4: a 44x44 image holds 3x3 windows of 36x36.
    expect(map.shape).toEqual([1, 3, 3, 10]);
    for (const [i, j] of [
      [0, 0],
      [1, 2],
      [2, 2],
    ] as const) {
      const crop = tf.slice(big, [0, 4 * i, 4 * j, 0], [1, 36, 36, 1]);
      const ref = model.predict(crop) as tf.Tensor;
      const cell = tf.reshape(tf.slice(map, [0, i, j, 0], [1, 1, 1, 10]), [1, 10]);
      expect(await close(ref, cell)).toBeLessThan(1e-5);
      tf.dispose([crop, ref, cell]);
    }
    tf.dispose([big, map]);
    model.dispose();
    fcn.dispose();
  });

  it("the lecture's example: a 6x6x512-style volume -> dense becomes a 6x6 conv (sequential model)", async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 8, 2], filters: 5, kernelSize: 3, activation: 'relu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 7, activation: 'relu' }),
        tfl.layers.dropout({ rate: 0.5 }),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const fcn = toFullyConvolutional(model);
    const kernels = fcn.layers
      .filter((l) => l.getClassName() === 'Conv2D')
      .map((l) => (l.getWeights()[0] as tf.Tensor).shape);
    expect(kernels).toEqual([
      [3, 3, 2, 5],
      [6, 6, 5, 7],
      [1, 1, 7, 3],
    ]);
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 5);
    const a = model.predict(x) as tf.Tensor;
    const b = tf.reshape(fcn.predict(x) as tf.Tensor, [2, 3]);
    expect(await close(a, b)).toBeLessThan(1e-5);
    tf.dispose([x, a, b]);
    model.dispose();
    fcn.dispose();
  });

  it('leaks nothing: the new model owns copies of the weights', async () => {
    const model = lenet5({ inputShape: [36, 36, 1] });
    await expectNoLeaks(() => toFullyConvolutional(model).dispose());
    model.dispose();
  });

  it('rejects models it cannot convert, with typed errors', () => {
    const branched = smallResnet({ inputShape: [8, 8, 3] });
    expect(() => toFullyConvolutional(branched)).toThrow(
      expect.objectContaining({ code: 'CONFIG', argument: 'model' }),
    );
    branched.dispose();
    const noFlatten = lenet5({ includeTop: false });
    expect(() => toFullyConvolutional(noFlatten)).toThrow(/nothing to convert/);
    noFlatten.dispose();
    const input = tfl.input({ shape: [6, 6, 1] });
    const y = tfl.layers
      .flatten()
      .apply(tfl.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(input));
    const z = tfl.layers
      .dense({ units: 2 })
      .apply(
        tfl.layers
          .reshape({ targetShape: [18, 2] })
          .apply(tfl.layers.dense({ units: 36 }).apply(y)),
      ) as tfl.SymbolicTensor;
    const odd = tfl.model({ inputs: input, outputs: z });
    expect(() => toFullyConvolutional(odd)).toThrow(/cannot be made convolutional/);
    odd.dispose();
    expect(() => toFullyConvolutional(null as unknown as tfl.LayersModel)).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});

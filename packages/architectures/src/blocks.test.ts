import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { inceptionBlock } from './inception-block';
import { PadChannels } from './pad-channels';
import { registerArchitectureLayers } from './register-layers';

describe('inceptionBlock', () => {
  const filters = { ch1x1: 64, ch3x3red: 96, ch3x3: 128, ch5x5red: 16, ch5x5: 32, poolProj: 32 };
  it('concatenates four branches (inception 3a: 256 channels) with the paper count', () => {
    const input = tfl.input({ shape: [7, 7, 192] });
    const y = inceptionBlock(input, filters, { name: 'inception3a', batchNorm: false });
    expect(y.shape).toEqual([null, 7, 7, 64 + 128 + 32 + 32]);
    const model = tfl.model({ inputs: input, outputs: y });
    // (k*k*cin + 1) * cout per conv
    const paper =
      (192 + 1) * 64 +
      (192 + 1) * 96 +
      (9 * 96 + 1) * 128 +
      (192 + 1) * 16 +
      (25 * 16 + 1) * 32 +
      (192 + 1) * 32;
    expect(model.countParams()).toBe(paper);
    model.dispose();
  });
  it('torchvision variant: BN convs without bias, 3x3 third branch', () => {
    const input = tfl.input({ shape: [7, 7, 192] });
    const y = inceptionBlock(input, filters, { name: 'i', branch3Kernel: 3 });
    const model = tfl.model({ inputs: input, outputs: y });
    const trainable = model.trainableWeights.reduce(
      (a, w) => a + w.shape.reduce((p, d) => p! * d!, 1)!,
      0,
    );
    const convs = 192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 9 * 16 * 32 + 192 * 32;
    const bn = 2 * (64 + 96 + 128 + 16 + 32 + 32);
    expect(trainable).toBe(convs + bn);
    model.dispose();
  });
  it('runs without leaks and rejects bad filters', async () => {
    const input = tfl.input({ shape: [5, 5, 4] });
    const small = { ch1x1: 2, ch3x3red: 2, ch3x3: 3, ch5x5red: 1, ch5x5: 2, poolProj: 1 };
    const model = tfl.model({
      inputs: input,
      outputs: inceptionBlock(input, small, { name: 'b' }),
    });
    await expectNoLeaks(() =>
      tf.tidy(() => model.predict(tf.ones([1, 5, 5, 4])) as tf.Tensor).dispose(),
    );
    model.dispose();
    expect(() => inceptionBlock(input, { ...small, ch3x3: 0 }, { name: 'c' })).toThrow(
      expect.objectContaining({ code: 'RANGE', argument: 'filters.ch3x3' }),
    );
  });
});

describe('PadChannels (option A shortcut)', () => {
  it('adds zero channels before and after, keeping the input values', async () => {
    const layer = new PadChannels({ before: 1, after: 2 });
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 1, 2]);
    await expectNoLeaks(() => (layer.apply(x) as tf.Tensor).dispose());
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 2, 1, 5]);
    expect(Array.from(await y.data())).toEqual([0, 1, 2, 0, 0, 0, 3, 4, 0, 0]);
    expect(layer.computeOutputShape([null, 2, 1, 2])).toEqual([null, 2, 1, 5]);
    tf.dispose([x, y]);
  });
  it('serializes through tfjs-layers once registered', async () => {
    registerArchitectureLayers();
    const input = tfl.input({ shape: [2, 2, 2] });
    const model = tfl.model({
      inputs: input,
      outputs: new PadChannels({ before: 0, after: 3, name: 'pad' }).apply(
        input,
      ) as tfl.SymbolicTensor,
    });
    const json = model.toJSON(undefined, false) as object;
    const back = await tfl.models.modelFromJSON({ modelTopology: json } as tf.io.ModelJSON);
    expect(back.getLayer('pad')).toBeInstanceOf(PadChannels);
    expect(back.outputs[0]!.shape).toEqual([null, 2, 2, 5]);
    model.dispose();
    back.dispose();
  });
});

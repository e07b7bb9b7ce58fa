import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { alexnet } from './alexnet';
import { cifarResnet } from './cifar-resnet';
import type { BaseOptions } from './common';
import { inceptionBlock } from './inception-block';
import { inceptionV1 } from './inception-v1';
import { lenet5 } from './lenet5';
import { resnet } from './resnet';
import { smallResnet } from './small-resnet';
import { vgg } from './vgg';
import { zfnet } from './zfnet';

// Every builder, small inputs, zero kernels (fast to build; only structure is compared).
const BUILDERS: [string, (o: BaseOptions) => tfl.LayersModel][] = [
  ['lenet5', (o) => lenet5({ ...o, inputShape: [32, 32, 1], variant: 'modern' })],
  ['alexnet', (o) => alexnet({ ...o, inputShape: [63, 63, 3], numClasses: 5 })],
  ['zfnet', (o) => zfnet({ ...o, inputShape: [53, 53, 3], numClasses: 5 })],
  ['vgg11', (o) => vgg({ ...o, depth: 11, inputShape: [32, 32, 3], numClasses: 5 })],
  ['vgg11 bn', (o) => vgg({ ...o, depth: 11, batchNorm: true, inputShape: [32, 32, 3] })],
  ['inceptionV1', (o) => inceptionV1({ ...o, inputShape: [32, 32, 3], numClasses: 5 })],
  ['inceptionV1 paper', (o) => inceptionV1({ ...o, variant: 'paper', inputShape: [32, 32, 3] })],
  ['resnet18', (o) => resnet({ ...o, depth: 18, stem: 'cifar', numClasses: 5 })],
  ['resnet50', (o) => resnet({ ...o, depth: 50, inputShape: [32, 32, 3], numClasses: 5 })],
  ['cifarResnet20', (o) => cifarResnet({ ...o, depth: 20 })],
  ['smallResnet', (o) => smallResnet(o)],
];

/** How many times each hidden activation is applied (output layer excluded). */
function activationUses(model: tfl.LayersModel): Map<string, number> {
  const uses = new Map<string, number>();
  const last = model.layers.at(-1);
  for (const layer of model.layers) {
    if (layer === last) continue;
    const config = layer.getConfig();
    let key: string | undefined;
    if (layer.getClassName() === 'LeakyReLU') key = `leakyRelu(${config.alpha})`;
    else if (typeof config.activation === 'string' && config.activation !== 'linear') {
      key = config.activation;
    }
    if (key) uses.set(key, (uses.get(key) ?? 0) + 1);
  }
  return uses;
}

describe('activation option of every builder', () => {
  for (const [name, build] of BUILDERS) {
    it(`${name}: leaky ReLU and ELU replace every ReLU, parameter counts unchanged`, () => {
      const base = build({ kernelInitializer: 'zeros' });
      const leaky = build({ kernelInitializer: 'zeros', activation: 'leakyRelu' });
      const sloped = build({
        kernelInitializer: 'zeros',
        activation: 'leakyRelu',
        negativeSlope: 0.2,
      });
      const elu = build({ kernelInitializer: 'zeros', activation: 'elu' });
      const relus = activationUses(base).get('relu') ?? 0;
      expect(relus).toBeGreaterThan(0);
      expect([...activationUses(base).keys()]).toEqual(['relu']); // the default is unchanged
      expect([...activationUses(leaky)]).toEqual([['leakyRelu(0.01)', relus]]);
      expect([...activationUses(sloped)]).toEqual([['leakyRelu(0.2)', relus]]);
      expect([...activationUses(elu)]).toEqual([['elu', relus]]);
      for (const m of [leaky, sloped, elu]) {
        expect(m.countParams()).toBe(base.countParams());
        expect(m.outputs[0]!.shape).toEqual(base.outputs[0]!.shape);
      }
      for (const m of [base, leaky, sloped, elu]) m.dispose();
    });
  }

  it("keeps LeNet-5's classic tanh default", () => {
    const m = lenet5({ kernelInitializer: 'zeros' });
    expect([...activationUses(m)]).toEqual([['tanh', 4]]);
    m.dispose();
  });

  it('computes max(x, slope * x) after the layer (a hand-set LeNet-5 C1 kernel)', async () => {
    await expectNoLeaks(async () => {
      const m = lenet5({
        inputShape: [32, 32, 1],
        activation: 'leakyRelu',
        negativeSlope: 0.1,
        includeTop: false,
      });
      const c1 = m.getLayer('c1');
      // Each of the 6 filters sums its 5x5 window, times (f - 2.5): some maps negative, some positive.
      const k = tf.tidy(() =>
        tf.mul(tf.ones([5, 5, 1, 6]), tf.tensor1d([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])),
      );
      const b = tf.zeros([6]);
      c1.setWeights([k, b]);
      tf.dispose([k, b]);
      const probe = tfl.model({ inputs: m.inputs, outputs: m.getLayer('c1_act').output });
      const y = tf.tidy(() => probe.predict(tf.ones([1, 32, 32, 1])) as tf.Tensor);
      const row = Array.from((await y.data()).slice(0, 6));
      // 25 ones in each window: 25 * w, then leaky ReLU with slope 0.1.
      const expected = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5].map((w) =>
        w < 0 ? 0.1 * 25 * w : 25 * w,
      );
      row.forEach((v, i) => {
        expect(v).toBeCloseTo(expected[i]!, 5);
      });
      y.dispose();
      m.dispose();
    });
  });

  it('round-trips a leaky-ReLU model through tfjs JSON with equal predictions', async () => {
    await expectNoLeaks(async () => {
      const m = lenet5({ inputShape: [32, 32, 1], activation: 'leakyRelu', negativeSlope: 0.05 });
      const back = await tfl.models.modelFromJSON({
        modelTopology: m.toJSON(null, false) as tf.io.ModelJSON['modelTopology'],
      });
      back.setWeights(m.getWeights());
      const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 3);
      const [a, b] = [m.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor];
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
      expect(await diff.data()).toEqual(new Float32Array([0]));
      diff.dispose();
      expect(back.getLayer('f6_act').getConfig().alpha).toBe(0.05);
      tf.dispose([x, a, b]);
      m.dispose();
      back.dispose();
    });
  });

  it('inceptionBlock and the residual blocks take the leaky ReLU too', () => {
    const x = tfl.input({ shape: [8, 8, 4] });
    const y = inceptionBlock(
      x,
      { ch1x1: 2, ch3x3red: 2, ch3x3: 2, ch5x5red: 2, ch5x5: 2, poolProj: 2 },
      { name: 'b', activation: 'leakyRelu', negativeSlope: 0.3 },
    );
    const m = tfl.model({ inputs: x, outputs: y });
    expect([...activationUses(m)]).toEqual([['leakyRelu(0.3)', 6]]);
    m.dispose();
  });

  it('rejects a slope without the leaky ReLU, out of [0, 1), and unknown activations', () => {
    expect(() => lenet5({ negativeSlope: 0.1 })).toThrow(ConfigError);
    expect(() => lenet5({ negativeSlope: 0.1 })).toThrow(/negativeSlope/);
    expect(() => vgg({ activation: 'leakyRelu', negativeSlope: 1 })).toThrow(ValueRangeError);
    expect(() => resnet({ activation: 'leakyRelu', negativeSlope: -0.1 })).toThrow(/negativeSlope/);
    expect(() =>
      inceptionBlock(
        tfl.input({ shape: [8, 8, 4] }),
        { ch1x1: 2, ch3x3red: 2, ch3x3: 2, ch5x5red: 2, ch5x5: 2, poolProj: 2 },
        { name: 'b', negativeSlope: 0.3 },
      ),
    ).toThrow(ConfigError);
    expect(() => alexnet({ activation: 'leaky' as 'relu' })).toThrow(/activation/);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, StateError, ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { gradientCheck } from './gradient-check';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';

/**
 * A custom layer y = a * x^3 (one weight `a` per feature) with a hand-written gradient. `bug`
 * halves the gradient of `a`: the kind of mistake a gradient check is for.
 */
class Cubic extends tfl.layers.Layer {
  static className = 'TestCubic';
  private a: tfl.LayerVariable | null = null;
  constructor(private readonly bug: boolean) {
    super({ name: bug ? 'cubic_buggy' : 'cubic' });
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = inputShape as tfl.Shape;
    this.a = this.addWeight('a', [s[s.length - 1] as number], 'float32', tfl.initializers.ones());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const bug = this.bug;
    const f = tf.customGrad((...args) => {
      const [xx, aa, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const x3 = tf.pow(xx as tf.Tensor, 3);
      save([xx as tf.Tensor, aa as tf.Tensor]);
      return {
        value: tf.mul(x3, aa as tf.Tensor),
        gradFunc: (dy, saved) => {
          const [sx, sa] = saved as [tf.Tensor, tf.Tensor];
          const dx = tf.mul(dy, tf.mul(tf.mul(3, tf.square(sx)), sa));
          const da = tf.sum(tf.mul(dy, tf.pow(sx, 3)), 0);
          return [dx, bug ? tf.mul(da, 0.5) : da];
        },
      };
    });
    return f(x, this.a!.read());
  }
}

function net(bug: boolean, dropout = false) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 3, activation: 'tanh', name: 'd1' }),
      new Cubic(bug),
      ...(dropout ? [tfl.layers.dropout({ rate: 0.5 })] : []),
      tfl.layers.dense({ units: 2, name: 'd2' }),
    ],
  });
  // Seeded weights: the same check on every run.
  const w = model.getWeights().map((t, i) => tf.randomNormal(t.shape, 0, 0.7, 'float32', 10 + i));
  model.setWeights(w);
  tf.dispose(w);
  return model;
}

const data = () => ({
  x: tf.randomNormal([8, 4], 0, 1, 'float32', 3),
  y: tf.tensor1d([0, 1, 1, 0, 1, 0, 0, 1], 'int32'),
});

describe('gradientCheck of a model (custom layer)', () => {
  it('passes a correct custom gradient and catches a wrong one, weight by weight', async () => {
    const { x, y } = data();
    const loss = softmaxCrossEntropy({ fromLogits: true });
    const good = net(false);
    const bad = net(true);
    bad.setWeights(good.getWeights());
    const before = good.getWeights().map((w) => Array.from(w.dataSync()));
    const ok = await gradientCheck(good, { x, y, loss, maxEntriesPerWeight: Infinity });
    const wrong = await gradientCheck(bad, { x, y, loss, maxEntriesPerWeight: Infinity });
    // The weights are back to their exact values.
    expect(good.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);

    expect(ok.verdict).toBe('ok'); // correct up to float32 noise
    expect(ok.maxRelativeError).toBeLessThan(1e-4);
    expect(ok.weights.map((w) => w.name)).toEqual([
      'd1/kernel',
      'd1/bias',
      'cubic/a',
      'd2/kernel',
      'd2/bias',
    ]);
    expect(ok.weights.map((w) => w.checked)).toEqual([12, 3, 3, 6, 2]);
    expect(ok.precision).toBe('float32');

    expect(wrong.verdict).toBe('wrong');
    const byName = Object.fromEntries(wrong.weights.map((w) => [w.name, w]));
    // Only the buggy weight is flagged: the halved gradient is off by a relative 0.5.
    expect(byName['cubic_buggy/a']!.verdict).toBe('wrong');
    expect(byName['cubic_buggy/a']!.maxRelativeError).toBeCloseTo(0.5, 2);
    const w = byName['cubic_buggy/a']!.worst;
    expect(w.analytic / w.numeric).toBeCloseTo(0.5, 2);
    for (const n of ['d1/kernel', 'd1/bias', 'd2/kernel', 'd2/bias']) {
      expect(['good', 'ok'], n).toContain(byName[n]!.verdict);
    }
    tf.dispose([x, y]);
    good.dispose();
    bad.dispose();
  });

  it('runs with dropout off (training: false), samples entries with a seed, leaks nothing', async () => {
    const { x, y } = data();
    const model = net(false, true);
    const loss = softmaxCrossEntropy({ fromLogits: true });
    await expectNoLeaks(async () => {
      const r = await gradientCheck(model, {
        x,
        y,
        loss,
        maxEntriesPerWeight: 2,
        seed: 5,
        weights: ['d1/kernel', 'd2/bias'],
      });
      expect(r.weights.map((w) => [w.name, w.checked])).toEqual([
        ['d1/kernel', 2],
        ['d2/bias', 2],
      ]);
      expect(['good', 'ok']).toContain(r.verdict);
    });
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('gradientCheck of a function', () => {
  it('computes centred differences that match a hand gradient', async () => {
    // f(w, b) = sum(w^2) + 3 b0 - b1^3: df/dw = 2w, df/db = [3, -3 b1^2].
    const params = { w: tf.tensor1d([0.5, -1.25, 2]), b: tf.tensor1d([0.3, 0.7]) };
    const f = (p: tf.NamedTensorMap) =>
      tf.add(
        tf.sum(tf.square(p.w!)),
        tf.sub(tf.mul(3, tf.slice(p.b!, [0], [1])), tf.pow(tf.slice(p.b!, [1], [1]), 3)),
      ) as tf.Scalar;
    const r = await gradientCheck(f, { params, step: 1e-2 });
    const hand = { w: [1, -2.5, 4], b: [3, -3 * 0.7 ** 2] };
    for (const wc of r.weights) {
      for (const e of wc.entries) {
        const h = hand[wc.name as 'w' | 'b'][e.index]!;
        expect(e.analytic).toBeCloseTo(h, 5);
        // (f(w+h) - f(w-h)) / 2h is exact for quadratics, h^2 off for the cube: 1e-4 here.
        expect(Math.abs(e.numeric - h)).toBeLessThan(2e-3);
      }
    }
    expect(r.loss).toBeCloseTo(0.25 + 1.5625 + 4 + 0.9 - 0.343, 5);
    tf.dispose(Object.values(params));
  });

  it("catches a wrong tf.customGrad and refuses a loss that isn't deterministic", async () => {
    const params = { v: tf.tensor1d([0.4, -0.8, 1.1]) };
    // exp with a wrong gradient (dy * x instead of dy * exp(x)).
    const badExp = tf.customGrad((...args) => {
      const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
      save([x as tf.Tensor]);
      return {
        value: tf.exp(x as tf.Tensor),
        gradFunc: (dy, [sx]) => tf.mul(dy, sx as tf.Tensor),
      };
    });
    const r = await gradientCheck((p) => tf.sum(badExp(p.v!) as tf.Tensor) as tf.Scalar, {
      params,
    });
    expect(r.verdict).toBe('wrong');
    expect(r.maxRelativeError).toBeGreaterThan(0.1);
    const good = await gradientCheck((p) => tf.sum(tf.exp(p.v!)) as tf.Scalar, { params });
    expect(['good', 'ok']).toContain(good.verdict);

    let seed = 0;
    await expect(
      gradientCheck(
        (p) => tf.sum(tf.mul(p.v!, tf.randomUniform([3], 0, 1, 'float32', seed++))) as tf.Scalar,
        { params },
      ),
    ).rejects.toThrow(StateError);
    tf.dispose(Object.values(params));
  });

  it('rejects bad options with typed errors naming them, and leaks nothing', async () => {
    const params = { v: tf.tensor1d([1, 2]) };
    const f = (p: tf.NamedTensorMap) => tf.sum(p.v!) as tf.Scalar;
    await expect(gradientCheck(f, { params, step: 0 })).rejects.toThrow(ValueRangeError);
    await expect(gradientCheck(f, { params: {} })).rejects.toThrow(/params/);
    await expect(gradientCheck(f, { params, weights: ['nope'] })).rejects.toThrow(ConfigError);
    await expect(gradientCheck((p) => p.v as tf.Scalar, { params })).rejects.toThrow(/scalar/);
    await expect(
      gradientCheck({} as unknown as tfl.LayersModel, {
        x: params.v,
        y: params.v,
        loss: softmaxCrossEntropy(),
      }),
    ).rejects.toThrow(/target/);
    await expectNoLeaks(async () => {
      await gradientCheck(f, { params });
    });
    tf.dispose(Object.values(params));
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { isTrainkitError, type TensorMap } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/softmax-regression.json';
import { newton } from './newton';
import { softmaxRegressionHessian } from './softmax-regression-hessian';

const { X, y, C } = fixture;
const N = X.length;
const d = X[0]!.length;
const K = 3;
const l2 = 1 / (C * N);
/** scikit-learn's multinomial objective divided by C N: mean cross-entropy + |W|^2 / (2 C N). */
const loss = (p: TensorMap) =>
  tf.tidy(() => {
    const logits = tf.add(tf.matMul(tf.tensor2d(X), p.W as tf.Tensor2D), p.b as tf.Tensor);
    const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(y, 'int32'), K), logits);
    return tf.add(ce, tf.mul(l2 / 2, tf.sum(tf.square(p.W as tf.Tensor)))) as tf.Scalar;
  });

describe('softmaxRegressionHessian', () => {
  it('matches central differences of the autodiff gradient', async () => {
    const H = softmaxRegressionHessian(X, { numClasses: K, l2 });
    const x = Float64Array.from({ length: (d + 1) * K }, (_, i) => 0.3 * Math.sin(i + 1));
    const n = x.length;
    const grad = (v: Float64Array): Float64Array => {
      const g = tf.tidy(() => {
        const W = tf.tensor2d(Array.from(v.subarray(0, d * K)), [d, K]);
        const b = tf.tensor1d(Array.from(v.subarray(d * K)));
        const [gW, gb] = tf.grads((w: tf.Tensor, bb: tf.Tensor) => loss({ W: w, b: bb }))([W, b]);
        return tf.concat([tf.reshape(gW!, [-1]), gb!]);
      });
      const out = Float64Array.from(g.dataSync());
      g.dispose();
      return out;
    };
    const exact = await H(x);
    const h = 1e-2;
    for (const i of [0, 5, n - 1]) {
      const plus = Float64Array.from(x);
      const minus = Float64Array.from(x);
      plus[i]! += h;
      minus[i]! -= h;
      const gp = grad(plus);
      const gm = grad(minus);
      for (let j = 0; j < n; j++)
        expect(exact[i * n + j]!).toBeCloseTo((gp[j]! - gm[j]!) / (2 * h), 3);
    }
  });

  it('lets exact Newton fit multinomial logistic regression to the scikit-learn solution', async () => {
    const W = tf.variable(tf.zeros([d, K]));
    const b = tf.variable(tf.zeros([K]));
    const result = await expectNoLeaks(() =>
      newton({
        damping: 1e-6,
        hessian: softmaxRegressionHessian(X, { numClasses: K, l2 }),
      }).minimize(loss, {
        W,
        b,
      }),
    );
    expect(result.iterations).toBeLessThanOrEqual(12);
    const w = await W.data();
    const bb = await b.data();
    const ref = [...fixture.W.flat(), ...fixture.b];
    const got = [...w, ...bb];
    // sklearn's intercepts are defined up to a common shift (softmax invariance): compare centred b.
    const centre = (v: number[]) => v.map((t) => t - v.reduce((a, c) => a + c, 0) / v.length);
    const gotB = centre(got.slice(d * K));
    const refB = centre(ref.slice(d * K));
    for (let i = 0; i < d * K; i++)
      expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(5e-3 * Math.max(1, Math.abs(ref[i]!)));
    for (let i = 0; i < K; i++)
      expect(Math.abs(gotB[i]! - refB[i]!)).toBeLessThan(5e-3 * Math.max(1, Math.abs(refB[i]!)));
    tf.dispose([W, b]);
  });

  it('rejects bad shapes and options with typed errors', () => {
    const codes: string[] = [];
    for (const fn of [
      () => softmaxRegressionHessian([], { numClasses: 3 }),
      () => softmaxRegressionHessian([[1, 2], [3]], { numClasses: 3 }),
      () => softmaxRegressionHessian(X, { numClasses: 1 }),
      () => softmaxRegressionHessian(X, { numClasses: 3, l2: -1 }),
      () => softmaxRegressionHessian(X, { numClasses: 3 })(new Float64Array(2)),
    ]) {
      try {
        fn();
      } catch (e) {
        codes.push(isTrainkitError(e) ? `${e.code}:${e.argument}` : String(e));
      }
    }
    expect(codes).toEqual([
      'SHAPE:features',
      'SHAPE:features',
      'RANGE:numClasses',
      'RANGE:l2',
      'SHAPE:x',
    ]);
  });
});

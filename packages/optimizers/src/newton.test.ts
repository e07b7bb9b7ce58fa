import * as tf from '@tensorflow/tfjs-core';
import { isTrainkitError, type TensorMap } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/torch-optimizers.json';
import { hessian } from './hessian';
import { newton } from './newton';
import { optimizerFromJSON } from './registry';

const L = fixture.logistic;
const N = L.X.length;
/** mean log-loss + |w|^2 / (2 C N): scikit-learn's objective divided by C N. */
const logistic = (p: TensorMap) =>
  tf.tidy(() => {
    const w = p.w as tf.Tensor;
    const z = tf.reshape(tf.matMul(tf.tensor(L.X), tf.reshape(w, [3, 1])), [N]);
    const s = tf.sub(tf.mul(tf.tensor(L.y), 2), 1); // labels in {-1, 1}
    const loss = tf.mean(tf.softplus(tf.neg(tf.mul(s, z))));
    return tf.add(loss, tf.mul(1 / (2 * L.C * N), tf.sum(tf.square(w)))) as tf.Scalar;
  });
const Q = fixture.quadratic;
const quadratic = (p: TensorMap) =>
  tf.tidy(() => {
    const x = tf.reshape(p.x as tf.Tensor, [3, 1]);
    const xAx = tf.matMul(tf.matMul(x, tf.tensor(Q.A), true), x);
    return tf.sub(
      tf.mul(0.5, tf.sum(xAx)),
      tf.sum(tf.mul(tf.tensor(Q.b), tf.reshape(x, [3]))),
    ) as tf.Scalar;
  });
const codeOf = (e: unknown) => (isTrainkitError(e) ? `${e.code}:${e.argument}` : String(e));

describe('hessian (second-order gradients)', () => {
  it('equals A for a quadratic', async () => {
    const x = tf.variable(tf.zeros([3]));
    const H = await expectNoLeaks(() => hessian(quadratic, { x }, Float64Array.of(0.3, -0.2, 1)));
    const want = Q.A.flat();
    H.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 5);
    });
    x.dispose();
  });
  it('equals the closed form X^T diag(p(1-p)) X / N + I/(C N) for logistic regression', async () => {
    const w = Float64Array.of(0.4, -0.7, 0.2);
    const v = tf.variable(tf.zeros([3]));
    const H = await hessian(logistic, { w: v }, w);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        let h = a === b ? 1 / (L.C * N) : 0;
        for (const row of L.X) {
          const z = row[0]! * w[0]! + row[1]! * w[1]! + row[2]! * w[2]!;
          const p = 1 / (1 + Math.exp(-z));
          h += (p * (1 - p) * row[a]! * row[b]!) / N;
        }
        expect(Math.abs(H[a * 3 + b]! - h)).toBeLessThan(1e-5);
      }
    }
    v.dispose();
  });
  it('reports ops tfjs cannot differentiate twice, and too many parameters', async () => {
    const x = tf.variable(tf.zeros([3]));
    const bad = (p: TensorMap) => tf.sum(tf.exp(p.x as tf.Tensor)) as tf.Scalar;
    await hessian(bad, { x }, new Float64Array(3)).catch((e) =>
      expect(codeOf(e)).toBe('CONFIG:closure'),
    );
    await hessian(quadratic, { x }, new Float64Array(3), { maxParams: 2 }).catch((e) =>
      expect(codeOf(e)).toBe('RANGE:params'),
    );
    expect.assertions(2);
    x.dispose();
  });
});

describe('newton', () => {
  it('solves a quadratic in one full step (x = A^-1 b)', async () => {
    const x = tf.variable(tf.zeros([3]));
    const r = await expectNoLeaks(() => newton({ lineSearch: 'none' }).minimize(quadratic, { x }));
    expect(r.iterations).toBe(1);
    const got = await x.data();
    Q.solution.forEach((s, i) => {
      expect(got[i]!).toBeCloseTo(s, 5);
    });
    x.dispose();
  });
  it('fits L2 logistic regression to the scikit-learn solution', async () => {
    const w = tf.variable(tf.zeros([3]));
    const r = await newton({ tolerance: 1e-6 }).minimize(logistic, { w });
    expect(r.iterations).toBeLessThan(10);
    // float32 losses and gradients: the gradient bottoms out near 1e-5.
    expect(r.gradMax).toBeLessThan(1e-4);
    const got = await w.data();
    L.w.forEach((s, i) => {
      // float32 loss/gradient: the minimiser is resolved to a few 1e-4 (sklearn ran in float64).
      expect(Math.abs(got[i]! - s) / Math.abs(s)).toBeLessThan(5e-4);
    });
    w.dispose();
  });
  it('raises the damping when the Hessian is indefinite, and still descends', async () => {
    // f = x0^4/4 - x0^2/2 + x1^2: indefinite at x0 = 0.1; minima at x0 = +-1.
    const f = (p: TensorMap) =>
      tf.tidy(() => {
        const x = p.x as tf.Tensor;
        const [a, b] = [tf.slice(x, [0], [1]), tf.slice(x, [1], [1])];
        return tf.sum(
          tf.add(tf.sub(tf.div(tf.square(tf.square(a)), 4), tf.div(tf.square(a), 2)), tf.square(b)),
        ) as tf.Scalar;
      });
    const x = tf.variable(tf.tensor([0.1, 1]));
    const r = await newton({ maxIter: 50 }).minimize(f, { x });
    const [a, b] = await x.data();
    expect(Math.abs(Math.abs(a!) - 1)).toBeLessThan(1e-3);
    expect(Math.abs(b!)).toBeLessThan(1e-3);
    expect(r.loss).toBeCloseTo(-0.25, 5);
    x.dispose();
  });
  it('refuses more parameters than maxParams with a typed error', async () => {
    const x = tf.variable(tf.zeros([3]));
    await expect(newton({ maxParams: 2 }).minimize(quadratic, { x })).rejects.toMatchObject({
      code: 'RANGE',
      argument: 'params',
    });
    x.dispose();
  });
  it('validates options and serializes', () => {
    expect(() => newton({ damping: -1 })).toThrow(
      expect.objectContaining({ code: 'RANGE', argument: 'damping' }),
    );
    expect(() => newton({ lineSearch: 'wolfe' as never })).toThrow(
      expect.objectContaining({ code: 'CONFIG', argument: 'lineSearch' }),
    );
    const n = newton({ damping: 1e-3, maxIter: 5 });
    const again = optimizerFromJSON(
      JSON.parse(JSON.stringify(n.toJSON())),
    ) as unknown as ReturnType<typeof newton>;
    expect(again.toJSON()).toEqual(n.toJSON());
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { fromJSON, isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { elasticNet } from './elastic-net';
import { l1 } from './l1';
import { l2 } from './l2';
import { registerRegularizerKinds, regularizerFromJSON } from './registry';

// Hand-computed: W = [[1, -2], [3, 0.5]]; sum|W| = 6.5, sum W^2 = 14.25.
const W = [
  [1, -2],
  [3, 0.5],
];
const SIGN = [
  [1, -1],
  [1, 1],
];
function params() {
  return {
    'dense_1/kernel': tf.tensor2d(W),
    'dense_1/bias': tf.tensor1d([5, 5]),
    'batch_normalization_1/gamma': tf.tensor1d([3, 3]),
  };
}
function dispose(p: Record<string, tf.Tensor>) {
  for (const t of Object.values(p)) t.dispose();
}

function valueAndGrad(pen: (p: tf.NamedTensorMap) => tf.Scalar, w: tf.Tensor) {
  const g = tf.grad((x: tf.Tensor) => pen({ 'dense_1/kernel': x }));
  return tf.tidy(() => [pen({ 'dense_1/kernel': w }).arraySync(), g(w).arraySync()] as const);
}

describe('penalties', () => {
  it('l1 = lambda * sum|w| on kernels only, gradient lambda * sign(w)', () => {
    const p = params();
    const pen = l1({ lambda: 0.1 });
    const v = pen(p);
    expect(v.arraySync()).toBeCloseTo(0.65, 6);
    v.dispose();
    const [val, grad] = valueAndGrad(pen, p['dense_1/kernel']);
    expect(val).toBeCloseTo(0.65, 6);
    expect(grad).toEqual(SIGN.map((r) => r.map((s) => expect.closeTo(0.1 * s, 6))));
    dispose(p);
  });

  it("l2 'half' = 0.5 * lambda * sum w^2 with gradient lambda * w", () => {
    const p = params();
    const pen = l2({ lambda: 0.1, convention: 'half' });
    const [val, grad] = valueAndGrad(pen, p['dense_1/kernel']);
    expect(val).toBeCloseTo(0.7125, 6);
    expect(grad).toEqual(W.map((r) => r.map((w) => expect.closeTo(0.1 * w, 6))));
    const all = pen(p);
    expect(all.arraySync()).toBeCloseTo(0.7125, 6); // bias and gamma untouched
    all.dispose();
    dispose(p);
  });

  it("l2 'full' = lambda * sum w^2 with gradient 2 * lambda * w", () => {
    const p = params();
    const [val, grad] = valueAndGrad(l2({ lambda: 0.1, convention: 'full' }), p['dense_1/kernel']);
    expect(val).toBeCloseTo(1.425, 6);
    expect(grad).toEqual(W.map((r) => r.map((w) => expect.closeTo(0.2 * w, 6))));
    dispose(p);
  });

  it('elasticNet = l1 * sum|w| + c * l2 * sum w^2', () => {
    const p = params();
    const pen = elasticNet({ l1: 0.1, l2: 0.2, convention: 'half' });
    const [val, grad] = valueAndGrad(pen, p['dense_1/kernel']);
    expect(val).toBeCloseTo(0.65 + 0.5 * 0.2 * 14.25, 6);
    expect(grad).toEqual(
      W.map((r, i) => r.map((w, j) => expect.closeTo(0.1 * SIGN[i]![j]! + 0.2 * w, 6))),
    );
    const full = elasticNet({ l1: 0, l2: 0.2, convention: 'full' });
    const v = full(p);
    expect(v.arraySync()).toBeCloseTo(0.2 * 14.25, 5);
    v.dispose();
    dispose(p);
  });

  it('appliesTo selects weights by name pattern; the default skips biases and BN params', () => {
    const p = params();
    const onBias = l1({ lambda: 1, appliesTo: '**/bias' });
    const v = onBias(p);
    expect(v.arraySync()).toBeCloseTo(10, 6);
    v.dispose();
    const re = l2({ lambda: 1, convention: 'full', appliesTo: /gamma$/ });
    const g = re(p);
    expect(g.arraySync()).toBeCloseTo(18, 6);
    g.dispose();
    const conv = l1({ lambda: 1 });
    const c = conv({ 'conv2d_3/kernel': tf.ones([3, 3, 1, 2]), 'conv2d_3/bias': tf.ones([2]) });
    expect(c.arraySync()).toBeCloseTo(18, 6);
    c.dispose();
    dispose(p);
  });

  it('weight(w) is the per-tensor term regardless of appliesTo', () => {
    const w = tf.tensor2d(W);
    const v = l2({ lambda: 2, convention: 'half', appliesTo: 'nothing' }).weight(w);
    expect(v.arraySync()).toBeCloseTo(14.25, 5);
    tf.dispose([w, v]);
  });

  it('rejects negative or NaN lambda, unknown convention and bad patterns with typed errors', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(isTrainkitError(e)).toBe(true);
        return [(e as { code: string }).code, (e as Error).message];
      }
      throw new Error('no error');
    };
    expect(code(() => l1({ lambda: -1 }))).toEqual(['RANGE', expect.stringContaining('lambda')]);
    expect(code(() => l2({ lambda: Number.NaN, convention: 'half' }))[0]).toBe('NAN');
    expect(code(() => l2({ lambda: 1, convention: 'double' as 'half' }))).toEqual([
      'CONFIG',
      expect.stringContaining('convention'),
    ]);
    expect(code(() => l2({ lambda: 1 } as never))[0]).toBe('CONFIG');
    expect(code(() => elasticNet({ l1: 1, l2: -2, convention: 'full' }))).toEqual([
      'RANGE',
      expect.stringContaining('l2'),
    ]);
    expect(code(() => l1({ lambda: 1, appliesTo: '' }))[0]).toBe('CONFIG');
    expect(code(() => l1({ lambda: 1, appliesTo: '/(/' }))[0]).toBe('CONFIG');
  });

  it('round-trips through JSON and the core registry', () => {
    registerRegularizerKinds();
    const p = params();
    for (const pen of [
      l1({ lambda: 0.3, appliesTo: /bias$/ }),
      l2({ lambda: 0.1, convention: 'full' }),
      elasticNet({ l1: 0.1, l2: 0.2, convention: 'half', appliesTo: '**' }),
    ]) {
      const json = JSON.parse(JSON.stringify(pen.toJSON()));
      const again = fromJSON<typeof pen>(json);
      expect(again.toJSON()).toEqual(pen.toJSON());
      const [a, b] = [pen(p), again(p)];
      expect(b.arraySync()).toBeCloseTo(a.arraySync() as number, 6);
      tf.dispose([a, b]);
    }
    expect(regularizerFromJSON<ReturnType<typeof l1>>(l1({ lambda: 1 }).toJSON()).kind).toBe(
      'regularizers.l1',
    );
    dispose(p);
  });

  it('leaks no tensors', async () => {
    const p = params();
    for (const pen of [
      l1({ lambda: 1 }),
      l2({ lambda: 1, convention: 'half' }),
      elasticNet({ l1: 1, l2: 1, convention: 'full' }),
    ]) {
      await expectNoLeaks(() => pen(p).dispose());
      await expectNoLeaks(() => pen.weight(p['dense_1/kernel']).dispose());
    }
    dispose(p);
  });
});

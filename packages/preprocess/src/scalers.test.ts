import * as tf from '@tensorflow/tfjs-core';
import { fromJSON, isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, fixture, flat, take } from '../test/helpers';
import { MinMax } from './min-max';
import { registerPreprocessKinds } from './registry';
import { Standardize } from './standardize';
import { ZeroCenter } from './zero-center';

// Registration is explicit: the core fromJSON below needs it.
beforeAll(() => registerPreprocessKinds());

interface Scalers {
  x: number[][];
  standard: { mean: number[]; var: number[]; scale: number[]; transformed: number[][] };
  minmax: { dataMin: number[]; dataMax: number[]; transformed: number[][] };
}
const F = fixture<Scalers>('scalers.json');

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isTrainkitError(e) ? `${e.code} ${e.argument}` : `untyped ${String(e)}`;
  }
  return undefined;
}

describe('Standardize against scikit-learn StandardScaler', () => {
  it('matches mean, variance, scale (constant column -> 1) and the transformed data', () => {
    const x = tf.tensor2d(F.x);
    const s = new Standardize().fit(x);
    expectClose(s.mean!, F.standard.mean);
    expectClose(s.variance!, F.standard.var);
    expectClose(s.scale!, F.standard.scale);
    expect(s.scale![4]).toBe(1);
    expectClose(take(s.transform(x)), flat(F.standard.transformed));
    x.dispose();
  });

  it('streams: partialFit over uneven batches equals one fit', () => {
    const x = tf.tensor2d(F.x);
    const s = new Standardize();
    for (const [a, b] of [
      [0, 7],
      [7, 30],
      [30, 40],
    ] as const) {
      const batch = tf.slice(x, [a, 0], [b - a, 5]);
      s.partialFit(batch);
      batch.dispose();
    }
    expect(s.nSamples).toBe(40);
    expectClose(s.mean!, F.standard.mean, 1e-6);
    expectClose(s.variance!, F.standard.var, 1e-5);
    x.dispose();
  });

  it('inverseTransform undoes transform', () => {
    const x = tf.tensor2d(F.x);
    const s = new Standardize().fit(x);
    const z = s.transform(x);
    expectClose(take(s.inverseTransform(z)), flat(F.x), 1e-5);
    tf.dispose([x, z]);
  });
});

describe('MinMax against scikit-learn MinMaxScaler', () => {
  it('matches data min/max and the transformed data (constant column -> 0)', () => {
    const x = tf.tensor2d(F.x);
    const m = new MinMax().fit(x);
    expectClose(m.dataMin!, F.minmax.dataMin);
    expectClose(m.dataMax!, F.minmax.dataMax);
    expectClose(take(m.transform(x)), flat(F.minmax.transformed));
    x.dispose();
  });

  it('maps onto a custom featureRange and back', () => {
    const x = tf.tensor2d([
      [0, 10],
      [5, 20],
      [10, 30],
    ]);
    const m = new MinMax({ featureRange: [-1, 1] }).fit(x);
    const y = m.transform(x);
    expect(Array.from(y.dataSync())).toEqual([-1, -1, 0, 0, 1, 1]);
    expectClose(take(m.inverseTransform(y)), [0, 10, 5, 20, 10, 30], 1e-6);
    tf.dispose([x, y]);
  });
});

describe('ZeroCenter', () => {
  // Two 1x2x2 "images": channel 0 holds 1..4, channel 1 holds 10..40 (hand-computed means).
  const imgs = () =>
    tf.tensor4d([
      [
        [
          [1, 10],
          [2, 20],
        ],
      ],
      [
        [
          [3, 30],
          [4, 40],
        ],
      ],
    ]);

  it('per channel subtracts the mean over N, H, W (VGG)', () => {
    const x = imgs();
    const z = new ZeroCenter({ axis: 'channel' }).fit(x);
    expect(Array.from(z.mean!)).toEqual([2.5, 25]);
    expect(Array.from(take(z.transform(x)))).toEqual([-1.5, -15, -0.5, -5, 0.5, 5, 1.5, 15]);
    x.dispose();
  });

  it('per feature subtracts the mean image (AlexNet)', () => {
    const x = imgs();
    const z = new ZeroCenter().fit(x);
    expect(Array.from(z.mean!)).toEqual([2, 20, 3, 30]);
    expect(Array.from(take(z.transform(x)))).toEqual([-1, -10, -1, -10, 1, 10, 1, 10]);
    x.dispose();
  });

  it('global subtracts one number', () => {
    const x = imgs();
    const z = new ZeroCenter({ axis: 'global' }).fit(x);
    expect(Array.from(z.mean!)).toEqual([13.75]);
    const out = take(z.inverseTransform(z.transform(x)));
    expectClose(out, [1, 10, 2, 20, 3, 30, 4, 40], 1e-6);
    x.dispose();
  });
});

describe('scaler errors', () => {
  it('transform before fit -> STATE', () => {
    const x = tf.ones([2, 3]);
    expect(code(() => new Standardize().transform(x))).toBe('STATE transform');
    expect(code(() => new MinMax().inverseTransform(x))).toBe('STATE inverseTransform');
    x.dispose();
  });

  it('NaN or infinity in the data -> NAN naming x or batch', () => {
    const bad = tf.tensor2d([
      [1, Number.NaN],
      [2, 3],
    ]);
    const inf = tf.tensor2d([
      [1, Number.POSITIVE_INFINITY],
      [2, 3],
    ]);
    expect(code(() => new Standardize().fit(bad))).toBe('NAN x');
    expect(code(() => new ZeroCenter().partialFit(inf))).toBe('NAN batch');
    tf.dispose([bad, inf]);
  });

  it('feature-count mismatch, wrong rank, empty batch, non-tensor -> typed errors', () => {
    const x = tf.ones([4, 3]);
    const y = tf.ones([4, 2]);
    const v = tf.ones([3]);
    const empty = tf.zeros([0, 3]);
    const s = new Standardize().fit(x);
    expect(code(() => s.transform(y))).toBe('SHAPE x');
    expect(code(() => s.partialFit(y))).toBe('SHAPE batch');
    expect(code(() => new Standardize().fit(v))).toBe('SHAPE x');
    expect(code(() => new Standardize().fit(empty))).toBe('SHAPE x');
    expect(code(() => new Standardize().fit([[1]] as never))).toBe('CONFIG x');
    tf.dispose([x, y, v, empty]);
  });

  it('bad options -> typed errors', () => {
    expect(code(() => new MinMax({ featureRange: [1, 1] }))).toBe('RANGE featureRange');
    expect(code(() => new ZeroCenter({ axis: 'row' as never }))).toBe('CONFIG axis');
  });
});

describe('scaler memory and serialization', () => {
  it('fit, partialFit, transform and inverseTransform leak nothing', async () => {
    const x = tf.tensor2d(F.x);
    for (const make of [() => new Standardize(), () => new MinMax(), () => new ZeroCenter()]) {
      await expectNoLeaks(() => {
        const s = make().fit(x).partialFit(x);
        tf.dispose([s.transform(x), s.inverseTransform(x)]);
      }, make().kind);
    }
    x.dispose();
  });

  it('round-trips through JSON and keeps streaming from the restored statistics', () => {
    const x = tf.tensor2d(F.x);
    const a = tf.slice(x, [0, 0], [20, 5]);
    const b = tf.slice(x, [20, 0], [20, 5]);
    for (const s of [
      new Standardize({ withMean: false }),
      new MinMax({ featureRange: [-2, 3] }),
      new ZeroCenter({ axis: 'global' }),
    ]) {
      s.partialFit(a);
      const json = JSON.parse(JSON.stringify(s.toJSON()));
      const r = fromJSON<typeof s>(json);
      expect(r.toJSON()).toEqual(json);
      r.partialFit(b);
      s.partialFit(b);
      expectClose(take(r.transform(x)), take(s.transform(x)), 1e-7);
      const blank = fromJSON<typeof s>(new Standardize().toJSON());
      expect(blank.fitted).toBe(false);
    }
    tf.dispose([x, a, b]);
  });
});

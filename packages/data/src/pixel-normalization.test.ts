import * as tf from '@tensorflow/tfjs-core';
import { fromJSON } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset';
import {
  fitPixelNormalization,
  pixelNormalization,
  pixelNormalizationFromJSON,
  registerDataKinds,
} from './pixel-normalization';

const px = new Uint8Array([0, 51, 255]);

describe('pixelNormalization', () => {
  it('unit maps [0, 255] to [0, 1]', () => {
    expect(Array.from(pixelNormalization({ mode: 'unit' }).apply(px))).toEqual(
      [0, 0.2, 1].map(Math.fround),
    );
  });

  it('symmetric maps [0, 255] to [-1, 1]', () => {
    const out = pixelNormalization({ mode: 'symmetric' }).apply(px);
    expect(out[0]).toBe(-1);
    expect(out[1]).toBeCloseTo(-0.6, 6);
    expect(out[2]).toBeCloseTo(1, 6);
  });

  it('honours maxValue (digits use 16)', () => {
    expect(Array.from(pixelNormalization({ mode: 'unit', maxValue: 16 }).apply([4, 16]))).toEqual([
      0.25, 1,
    ]);
  });

  it('standardize applies (x/max - mean[c]) / std[c] per channel (last axis)', () => {
    const n = pixelNormalization({
      mode: 'standardize',
      mean: [0.5, 0],
      std: [0.25, 2],
      maxValue: 1,
    });
    // channels alternate: (1-0.5)/0.25 = 2, (1-0)/2 = 0.5, (0-0.5)/0.25 = -2, (0-0)/2 = 0
    expect(Array.from(n.apply([1, 1, 0, 0], 2))).toEqual([2, 0.5, -2, 0]);
  });

  it('applies to tensors the same way, leaking nothing', async () => {
    const n = pixelNormalization({ mode: 'standardize', mean: 0.2, std: 0.5 });
    const x = tf.tensor4d([0, 51, 255, 102], [1, 2, 2, 1], 'int32');
    await expectNoLeaks(async () => {
      const y = n.applyTensor(x);
      expect(y.dtype).toBe('float32');
      const v = await y.data();
      for (const [i, e] of [-0.4, 0, 1.6, 0.4].entries()) expect(v[i]).toBeCloseTo(e, 5);
      y.dispose();
    });
    x.dispose();
  });

  it('rejects a channel count that does not match mean/std', () => {
    const n = pixelNormalization({ mode: 'standardize', mean: [0, 0, 0], std: [1, 1, 1] });
    expect(() => n.apply([1, 2], 2)).toThrow(
      /x: channel count does not match mean\/std; expected 3 channels/,
    );
    const t = tf.zeros([1, 2]);
    expect(() => n.applyTensor(t)).toThrow(expect.objectContaining({ code: 'SHAPE' }));
    t.dispose();
  });

  it('rejects bad options with typed errors', () => {
    expect(() => pixelNormalization({ mode: 'minmax' } as never)).toThrow(/mode: unknown choice/);
    expect(() => pixelNormalization({ mode: 'unit', maxValue: 0 })).toThrow(
      /maxValue: out of range/,
    );
    expect(() => pixelNormalization({ mode: 'standardize' } as never)).toThrow(
      /mean: required for mode "standardize"/,
    );
    expect(() => pixelNormalization({ mode: 'standardize', mean: 0, std: 0 })).toThrow(
      /std\[0\]: out of range/,
    );
    expect(() => pixelNormalization({ mode: 'standardize', mean: [0, 0], std: [1] })).toThrow(
      /std: mean and std need the same number of channels/,
    );
    expect(() => pixelNormalization({ mode: 'standardize', mean: [Number.NaN], std: 1 })).toThrow(
      expect.objectContaining({ code: 'NAN' }),
    );
  });

  it('round-trips through toJSON / fromJSON', () => {
    for (const opts of [
      { mode: 'unit', maxValue: 16 },
      { mode: 'symmetric' },
      { mode: 'standardize', mean: [0.1, 0.2], std: [0.3, 0.4] },
    ] as const) {
      const n = pixelNormalization(opts);
      const again = pixelNormalizationFromJSON(JSON.stringify(n.toJSON()));
      expect(again.toJSON()).toEqual(n.toJSON());
      expect(Array.from(again.apply([10, 200], 2))).toEqual(Array.from(n.apply([10, 200], 2)));
    }
    registerDataKinds();
    expect(
      fromJSON<{ kind: string }>({ kind: 'data.pixelNormalization', version: 1, mode: 'unit' })
        .kind,
    ).toBe('data.pixelNormalization');
  });
});

describe('fitPixelNormalization', () => {
  it('computes per-channel mean and population std of x / maxValue', () => {
    // channel 0: 0, 255 -> mean 0.5, std 0.5; channel 1: 51, 51 would be constant, so use 0, 102 -> 0.2, 0.2
    const ds = new Dataset({ x: new Uint8Array([0, 0, 255, 102]), y: [0, 1], shape: [1, 2] });
    const n = fitPixelNormalization(ds);
    const o = n.options as { mean: readonly number[]; std: readonly number[] };
    expect(o.mean[0]).toBeCloseTo(0.5, 12);
    expect(o.std[0]).toBeCloseTo(0.5, 12);
    expect(o.mean[1]).toBeCloseTo(0.2, 12);
    expect(o.std[1]).toBeCloseTo(0.2, 12);
  });

  it('rejects a constant channel and a bad maxValue', () => {
    const ds = new Dataset({ x: new Uint8Array([3, 3]), y: [0, 0], shape: [1] });
    expect(() => fitPixelNormalization(ds)).toThrow(/ds: a channel is constant/);
    expect(() => fitPixelNormalization(ds, { maxValue: -1 })).toThrow(/maxValue/);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/zfnet.json';
import { architecture } from './architecture';
import { summary } from './summary';
import { zfnet } from './zfnet';

// (kernel h * kernel w * in channels + 1 bias) * filters, per conv; (in + 1) * out per dense.
const HAND =
  (7 * 7 * 3 + 1) * 96 +
  (5 * 5 * 96 + 1) * 256 +
  (3 * 3 * 256 + 1) * 384 +
  (3 * 3 * 384 + 1) * 384 +
  (3 * 3 * 384 + 1) * 256 +
  (6 * 6 * 256 + 1) * 4096 +
  (4096 + 1) * 4096 +
  (4096 + 1) * 1000;

describe('zfnet (Zeiler & Fergus 2013)', () => {
  it('has the hand-computed parameter count, equal to the PyTorch reference (fixtures/zfnet.json)', () => {
    expect(HAND).toBe(62_357_608);
    expect(fixture.params).toBe(HAND);
    const m = zfnet({ kernelInitializer: 'zeros' });
    expect(m.countParams()).toBe(HAND);
    m.dispose();
  });

  it("has the paper's feature-map sizes at 224x224 (Fig. 3, as the PyTorch reference)", () => {
    const m = zfnet({ kernelInitializer: 'zeros' });
    const hwc = (name: string) => m.getLayer(name).outputShape.slice(1);
    const chw = (s: number[]) => [s[2], s[0], s[1]];
    for (const [name, ref] of Object.entries(fixture.featureMaps)) {
      expect(chw(hwc(name) as number[]), name).toEqual(ref);
    }
    expect(hwc('conv2')).toEqual([26, 26, 256]);
    expect(hwc('fc8')).toEqual([1000]);
    expect(summary(m).layers.find((l) => l.name === 'conv1')?.trainableParams).toBe(14_208);
    m.dispose();
  });

  it('builds at its minimum 53x53, refuses 52, predicts without leaks', async () => {
    expect(() => zfnet({ inputShape: [52, 52, 3] })).toThrow(ShapeError);
    await expectNoLeaks(async () => {
      const m = zfnet({ inputShape: [53, 53, 3], numClasses: 4 });
      const y = tf.tidy(
        () => m.predict(tf.randomNormal([2, 53, 53, 3], 0, 1, 'float32', 2)) as tf.Tensor,
      );
      expect(y.shape).toEqual([2, 4]);
      const total = tf.sum(y, 1);
      const sums = await total.array();
      tf.dispose([y, total]);
      for (const s of sums as number[]) expect(s).toBeCloseTo(1, 5);
      m.dispose();
    });
  });

  it('is an architecture spec by name, headless with pooling', () => {
    const m = architecture('zfnet', {
      inputShape: [64, 64, 3],
      includeTop: false,
      pooling: 'avg',
      kernelInitializer: 'zeros',
    }).build();
    expect(m.outputs[0]!.shape).toEqual([null, 256]);
    m.dispose();
  });
});

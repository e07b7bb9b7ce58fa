import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { constant, zeros } from './constant';
import { initializerFromJSON } from './registry';
import { smallRandom } from './small-random';
import { sampleStats } from './test-utils';

describe('zeros / constant', () => {
  it('fill the shape', () => {
    const z = zeros()([2, 3]);
    const c = constant({ value: 0 })([4]);
    const d = constant({ value: -0.5 })([2, 2]);
    expect(z.shape).toEqual([2, 3]);
    expect(Array.from(z.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(c.dataSync())).toEqual([0, 0, 0, 0]); // 0 is a value, not "unset"
    expect(Array.from(d.dataSync())).toEqual([-0.5, -0.5, -0.5, -0.5]);
    tf.dispose([z, c, d]);
  });
  it('round-trip through JSON', () => {
    const back = initializerFromJSON(constant({ value: 0.25 }).toJSON());
    const t = back([3]);
    expect(Array.from(t.dataSync())).toEqual([0.25, 0.25, 0.25]);
    t.dispose();
    expect(initializerFromJSON(zeros().toJSON()).kind).toBe('init.zeros');
  });
  it('reject a missing or non-finite value', () => {
    expect(() => constant({} as { value: number })).toThrow(
      expect.objectContaining({ argument: 'value', code: 'CONFIG' }),
    );
    expect(() => constant({ value: Number.POSITIVE_INFINITY })).toThrow(
      expect.objectContaining({ code: 'NAN' }),
    );
  });
  it('leak nothing', async () => {
    await expectNoLeaks(() => {
      zeros()([3]).dispose();
      constant({ value: 1 })([3]).dispose();
    });
  });
});

describe('smallRandom', () => {
  it('draws N(0, std^2) whatever the fans', () => {
    const w = smallRandom({ rng: 4 })([300, 300]);
    const s = sampleStats(w);
    expect(Math.abs(Math.sqrt(s.variance) / 0.01 - 1)).toBeLessThan(0.01);
    w.dispose();
    const v = smallRandom({ std: 0.5, rng: 4 })([300, 300]);
    expect(Math.abs(Math.sqrt(sampleStats(v).variance) / 0.5 - 1)).toBeLessThan(0.01);
    v.dispose();
  });
  it('round-trips and replays', () => {
    const init = smallRandom({ std: 0.1, rng: 9 });
    const again = initializerFromJSON(JSON.parse(JSON.stringify(init.toJSON())));
    const a = init([5]);
    const b = again([5]);
    expect(b.dataSync()).toEqual(a.dataSync());
    tf.dispose([a, b]);
  });
  it('rejects std <= 0', () => {
    expect(() => smallRandom({ std: 0 })).toThrow(
      expect.objectContaining({ argument: 'std', code: 'RANGE' }),
    );
  });
  it('leaks nothing', async () => {
    await expectNoLeaks(() => {
      smallRandom()([3, 3]).dispose();
    });
  });
});

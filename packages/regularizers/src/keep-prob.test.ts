import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isTrainkitError, Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { dropout, dropProbabilities, spatialDropout } from './dropout';
import { registerSeededDropout, SeededDropout } from './seeded-dropout-layer';

describe("keepProb: the lecture's p (probability of keeping a unit)", () => {
  it('keepProb q keeps ~q of the units and scales them by 1/q (20,000 draws)', async () => {
    const x = tf.ones([20_000]);
    const y = dropout(x, { keepProb: 0.8, rng: new Rng(5) });
    const v = await y.data();
    const kept = v.filter((e) => e !== 0);
    // Binomial(20000, 0.8): sd = sqrt(20000 * 0.8 * 0.2) ~ 57 units, i.e. 0.0028 of the fraction.
    expect(Math.abs(kept.length / v.length - 0.8)).toBeLessThan(0.012);
    for (const e of kept) expect(e).toBeCloseTo(1 / 0.8, 6);
    tf.dispose([x, y]);
  });

  it('keepProb q gives the same mask and values as rate 1 - q from the same seed', async () => {
    const x = tf.randomNormal([64, 16], 0, 1, 'float32', 1);
    for (const q of [0.5, 0.75, 0.25]) {
      const a = dropout(x, { keepProb: q, rng: 3 });
      const b = dropout(x, { rate: 1 - q, rng: 3 });
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
      tf.dispose([a, b]);
    }
    const s = spatialDropout(tf.ones([2, 3, 3, 4]), { keepProb: 0.5, rng: 1 });
    expect(new Set(await s.data())).toEqual(new Set([0, 2]));
    tf.dispose([x, s]);
  });

  it('keepProb 1 is the identity; keepProb and rate are exclusive; ranges are checked', () => {
    const x = tf.ones([4]);
    const y = dropout(x, { keepProb: 1, rng: 0 });
    expect(Array.from(y.dataSync())).toEqual([1, 1, 1, 1]);
    expect(dropProbabilities({ keepProb: 0.7 })).toEqual({ rate: 1 - 0.7, keepProb: 0.7 });
    expect(dropProbabilities({ rate: 0.3 })).toEqual({ rate: 0.3, keepProb: 1 - 0.3 });
    const cases: Array<[() => unknown, string, string]> = [
      [
        () =>
          dropout(x, { rate: 0.5, keepProb: 0.5, rng: 0 } as unknown as { rate: number; rng: 0 }),
        'CONFIG',
        'keepProb',
      ],
      [() => dropout(x, { rng: 0 } as unknown as { rate: number; rng: 0 }), 'CONFIG', 'rate'],
      [() => dropout(x, { keepProb: 0, rng: 0 }), 'RANGE', 'keepProb'],
      [() => dropout(x, { keepProb: 1.2, rng: 0 }), 'RANGE', 'keepProb'],
      [() => dropout(x, { keepProb: Number.NaN, rng: 0 }), 'NAN', 'keepProb'],
      [() => new SeededDropout({ keepProb: -1 }), 'RANGE', 'keepProb'],
      [
        () => new SeededDropout({ keepProb: 0.5, rate: 0.5 } as unknown as { rate: number }),
        'CONFIG',
        'keepProb',
      ],
    ];
    for (const [f, code, arg] of cases) {
      let error: unknown;
      try {
        f();
      } catch (e) {
        error = e;
      }
      expect(isTrainkitError(error, code as 'RANGE'), `${arg} ${code}`).toBe(true);
      expect((error as Error).message).toContain(arg);
    }
    tf.dispose([x, y]);
  });

  it('SeededDropout({ keepProb }) drops 1 - keepProb at training, saves keepProb as given and reloads it', async () => {
    registerSeededDropout();
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 4, inputShape: [3] }),
        new SeededDropout({ keepProb: 0.9, seed: 4, name: 'drop' }),
      ],
    });
    const layer = model.getLayer('drop') as SeededDropout;
    expect(layer.rate).toBeCloseTo(0.1, 12);
    expect(layer.getConfig()).toMatchObject({ keepProb: 0.9, seed: 4 });
    expect(layer.getConfig().rate).toBeUndefined();
    const back = await tfl.models.modelFromJSON({
      modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'],
    });
    expect((back.getLayer('drop') as SeededDropout).keepProb).toBe(0.9);
    await expectNoLeaks(() => {
      const ones = tf.ones([1000, 4]);
      const y = layer.apply(ones, { training: true }) as tf.Tensor;
      const kept = tf.tidy(() => tf.mean(tf.cast(tf.notEqual(y, 0), 'float32')));
      expect(Math.abs((kept.dataSync()[0] as number) - 0.9)).toBeLessThan(0.03);
      tf.dispose([ones, y, kept]);
    });
    model.dispose();
    back.dispose();
  });

  it('leaks no tensors', async () => {
    const x = tf.ones([2, 3, 3, 2]);
    await expectNoLeaks(() => dropout(x, { keepProb: 0.5, rng: new Rng(0) }).dispose());
    await expectNoLeaks(() => spatialDropout(x, { keepProb: 0.5, rng: 2 }).dispose());
    x.dispose();
  });
});

it('the README dropout lines run and their comments hold', async () => {
  const h = dropout(tf.ones([2, 8]), { rate: 0.5, rng: new Rng(0) }); // entries 0 or 2
  const h8 = dropout(tf.ones([2, 8]), { keepProb: 0.8, rng: new Rng(0) }); // entries 0 or 1.25
  for (const v of await h.data()) expect([0, 2]).toContain(v);
  for (const v of await h8.data()) expect([0, 1.25]).toContain(v);
  tf.dispose([h, h8]);
});

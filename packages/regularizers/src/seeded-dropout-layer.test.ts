import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { registerSeededDropout, SeededDropout } from './seeded-dropout-layer';

describe('SeededDropout layer', () => {
  it('draws a new mask per training call, reproducible by seed; identity at inference', () => {
    const x = tf.ones([4, 32]);
    const a = new SeededDropout({ rate: 0.5, seed: 3 });
    const b = new SeededDropout({ rate: 0.5, seed: 3 });
    const [a1, a2] = [
      a.apply(x, { training: true }),
      a.apply(x, { training: true }),
    ] as tf.Tensor[];
    const [b1, b2] = [
      b.apply(x, { training: true }),
      b.apply(x, { training: true }),
    ] as tf.Tensor[];
    expect(a1!.arraySync()).toEqual(b1!.arraySync());
    expect(a2!.arraySync()).toEqual(b2!.arraySync());
    expect(a2!.arraySync()).not.toEqual(a1!.arraySync());
    for (const v of a1!.dataSync()) expect([0, 2]).toContain(v);
    const inf = a.apply(x) as tf.Tensor;
    expect([...inf.dataSync()].every((v) => v === 1)).toBe(true);
    tf.dispose([x, a1!, a2!, b1!, b2!, inf]);
  });

  it('the stock tf.layers.dropout({ seed }) repeats one mask every call (why this layer exists)', () => {
    const x = tf.ones([4, 32]);
    const stock = tfl.layers.dropout({ rate: 0.5, seed: 3 });
    const [s1, s2] = [
      stock.apply(x, { training: true }),
      stock.apply(x, { training: true }),
    ] as tf.Tensor[];
    expect(s2!.arraySync()).toEqual(s1!.arraySync());
    tf.dispose([x, s1!, s2!]);
  });

  it('spatial: drops whole channels', () => {
    const x = tf.ones([2, 3, 3, 8]);
    const y = new SeededDropout({ rate: 0.5, seed: 1, spatial: true }).apply(x, {
      training: true,
    }) as tf.Tensor;
    const v = y.arraySync() as number[][][][];
    for (let n = 0; n < 2; n++)
      for (let c = 0; c < 8; c++) {
        const first = v[n]![0]![0]![c]!;
        for (const row of v[n]!) for (const px of row) expect(px[c]).toBe(first);
      }
    tf.dispose([x, y]);
  });

  it('serializes in a model and rejects bad options', () => {
    registerSeededDropout();
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 4, inputShape: [3] }),
        new SeededDropout({ rate: 0.25, seed: 9 }),
      ],
    });
    const cfg = model.layers[1]!.getConfig();
    expect(cfg).toMatchObject({ rate: 0.25, seed: 9, spatial: false });
    model.dispose();
    for (const [args, arg] of [
      [{ rate: 1 }, 'rate'],
      [{ rate: -0.2 }, 'rate'],
      [{ rate: 0.5, seed: -1 }, 'seed'],
      [{ rate: 0.5, spatial: 1 }, 'spatial'],
    ] as const) {
      let err: unknown;
      try {
        new SeededDropout(args as never);
      } catch (e) {
        err = e;
      }
      expect(isTrainkitError(err)).toBe(true);
      expect((err as Error).message).toContain(arg);
    }
  });

  it('leaks no tensors', async () => {
    const x = tf.ones([2, 5]);
    const layer = new SeededDropout({ rate: 0.3 });
    await expectNoLeaks(() => (layer.apply(x, { training: true }) as tf.Tensor).dispose());
    await expectNoLeaks(() => (layer.apply(x) as tf.Tensor).dispose());
    x.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset';
import { pixelNormalization } from './pixel-normalization';

// 5 examples of shape [1, 2]; example i holds [10i, 10i + 1], label i % 3.
function five(): Dataset {
  const x = new Uint8Array(10).map((_, k) => 10 * Math.floor(k / 2) + (k % 2));
  return new Dataset({ x, y: [0, 1, 2, 0, 1], shape: [1, 2], numClasses: 3 });
}

describe('Dataset', () => {
  it('holds examples, labels and derived sizes', () => {
    const ds = five();
    expect(ds.size).toBe(5);
    expect(ds.exampleSize).toBe(2);
    expect(ds.numClasses).toBe(3);
    expect(ds.histogram()).toEqual([2, 2, 1]);
    expect(new Dataset({ x: new Float32Array(2), y: [4, 1], shape: [1] }).numClasses).toBe(5);
  });

  it('rejects inconsistent construction with typed errors', () => {
    const x = new Uint8Array(4);
    expect(() => new Dataset({ x: [1, 2] as unknown as Uint8Array, y: [0], shape: [2] })).toThrow(
      /x: examples must be a typed array/,
    );
    expect(() => new Dataset({ x, y: [0], shape: [] })).toThrow(
      expect.objectContaining({ code: 'SHAPE' }),
    );
    expect(() => new Dataset({ x, y: [0], shape: [0, 4] })).toThrow(/shape\[0\]: out of range/);
    expect(() => new Dataset({ x, y: [0], shape: [2] })).toThrow(
      /x: example count and label count differ; expected 1 labels x 2 values = 2 values; received 4 values/,
    );
    expect(() => new Dataset({ x, y: [0, -1], shape: [2] })).toThrow(
      /y: label 1 is not a non-negative integer/,
    );
    expect(() => new Dataset({ x, y: [0, 1.5], shape: [2] })).toThrow(
      expect.objectContaining({ code: 'RANGE' }),
    );
    expect(() => new Dataset({ x, y: [0, 3], shape: [2], numClasses: 3 })).toThrow(
      /y: label out of range; expected labels in \[0, 3\); received 3/,
    );
    expect(() => new Dataset({ x, y: [0, 1], shape: [2], classNames: ['a'] })).toThrow(
      /classNames: one class name per class; expected 2 names/,
    );
  });

  it('subset picks examples in the given order and checks indices', () => {
    const s = five().subset([4, 0]);
    expect(Array.from(s.x)).toEqual([40, 41, 0, 1]);
    expect(Array.from(s.y)).toEqual([1, 0]);
    expect(s.numClasses).toBe(3);
    expect(() => five().subset([5])).toThrow(
      /indices: index 0 out of range; expected integers in \[0, 5\)/,
    );
  });

  it('shuffle is a seeded permutation that keeps each example with its label', () => {
    const a = five().shuffle(7);
    const b = five().shuffle(new Rng(7));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    const firsts = Array.from({ length: 5 }, (_, i) => a.x[2 * i]!);
    expect([...firsts].sort((p, q) => p - q)).toEqual([0, 10, 20, 30, 40]);
    expect(Array.from(a.y)).toEqual(firsts.map((v) => (v / 10) % 3));
    // some seed among a few must move something (a permutation of 5 is rarely the identity)
    const moved = [1, 2, 3].some((s) => five().shuffle(s).x[0] !== 0);
    expect(moved).toBe(true);
  });

  it('normalize returns float32 examples and keeps labels', () => {
    const n = five().normalize(pixelNormalization({ mode: 'unit', maxValue: 10 }));
    expect(n.x).toBeInstanceOf(Float32Array);
    expect(Array.from(n.x.subarray(2, 4))).toEqual([1, Math.fround(1.1)]);
    expect(Array.from(n.y)).toEqual([0, 1, 2, 0, 1]);
  });

  it('toTensors returns caller-owned tensors (int labels or one-hot)', async () => {
    const ds = five();
    await expectNoLeaks(async () => {
      const { x, y } = ds.toTensors();
      expect(x.shape).toEqual([5, 1, 2]);
      expect(x.dtype).toBe('float32');
      expect(y.dtype).toBe('int32');
      expect(Array.from(await y.data())).toEqual([0, 1, 2, 0, 1]);
      const oh = ds.toTensors({ oneHot: true });
      expect(oh.y.shape).toEqual([5, 3]);
      tf.dispose([x, y, oh.x, oh.y]);
    });
  });
});

describe('Dataset.batches', () => {
  it('yields batches in file order with a smaller last batch', async () => {
    const seen: number[][] = [];
    const shapes: number[][] = [];
    for await (const { x, y } of five().batches(2)) {
      shapes.push(x.shape);
      seen.push(Array.from(await y.data()));
    }
    expect(shapes).toEqual([
      [2, 1, 2],
      [2, 1, 2],
      [1, 1, 2],
    ]);
    expect(seen).toEqual([[0, 1], [2, 0], [1]]);
  });

  it('drops the remainder on request and gives one-hot labels', async () => {
    const ys: number[][][] = [];
    for await (const { y } of five().batches(2, { dropRemainder: true, oneHot: true })) {
      ys.push((await y.array()) as number[][]);
    }
    expect(ys).toEqual([
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      [
        [0, 0, 1],
        [1, 0, 0],
      ],
    ]);
  });

  it('shuffles with a seed: every example once, same order for the same seed', async () => {
    const order = async (rng: number | Rng) => {
      const firsts: number[] = [];
      for await (const { x } of five().batches(2, { shuffle: true, rng })) {
        const v = await x.data();
        for (let i = 0; i < v.length; i += 2) firsts.push(v[i]!);
      }
      return firsts;
    };
    const a = await order(3);
    expect([...a].sort((p, q) => p - q)).toEqual([0, 10, 20, 30, 40]);
    expect(await order(3)).toEqual(a);
    // a shared Rng advances, so two epochs see two different orders (for this seed)
    const rng = new Rng(3);
    const e1 = await order(rng);
    const e2 = await order(rng);
    expect(e1).toEqual(a);
    expect(e2).not.toEqual(e1);
  });

  it('disposes every batch itself: no leak after a full loop', async () => {
    const ds = five();
    await expectNoLeaks(async () => {
      for await (const { x } of ds.batches(2, { shuffle: true, oneHot: true }))
        expect(x.isDisposed).toBe(false);
    });
  });

  it('disposes the previous batch when the next is requested', async () => {
    const it = five().batches(2);
    const first = (await it.next()).value!;
    await it.next();
    expect(first.x.isDisposed).toBe(true);
    expect(first.y.isDisposed).toBe(true);
    await it.return();
  });

  it('frees the current batch when the loop breaks', async () => {
    await expectNoLeaks(async () => {
      for await (const _ of five().batches(2)) break;
    });
  });

  it('with keep: true leaves every batch to the consumer', async () => {
    const kept: tf.Tensor[] = [];
    for await (const { x, y } of five().batches(2, { keep: true })) kept.push(x, y);
    expect(kept.every((t) => !t.isDisposed)).toBe(true);
    tf.dispose(kept);
  });

  it('rejects a bad batch size', async () => {
    await expect(five().batches(0).next()).rejects.toThrow(/batchSize: out of range/);
    await expect(five().batches(1.5).next()).rejects.toThrow(
      expect.objectContaining({ code: 'RANGE' }),
    );
  });
});

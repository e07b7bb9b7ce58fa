import { mkdtemp, readdir, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, IOError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { extractFeatures } from './extract-features';
import { extractFeaturesCached } from './node';

/** Dense 2 -> 3 (linear, so the ReLU is ours) -> 2 with hand-set weights. */
function handNet(): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 3, inputShape: [2], name: 'codes' }),
      tfl.layers.dense({ units: 2, name: 'cls' }),
    ],
  });
  m.setWeights([
    tf.tensor2d([
      [1, -1, 2],
      [0.5, 1, -3],
    ]),
    tf.tensor1d([0, 0.5, 1]),
    tf.zeros([3, 2]),
    tf.zeros([2]),
  ]);
  return m;
}

function convNet(): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        filters: 1,
        kernelSize: 1,
        inputShape: [2, 2, 1],
        name: 'c',
        useBias: false,
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2 }),
    ],
  });
  m.getLayer('c').setWeights([tf.tensor4d([-2], [1, 1, 1, 1])]);
  return m;
}

describe('extractFeatures', () => {
  it('returns ReLU(x W + b) of the layer before the classifier (hand-computed)', () => {
    const m = handNet();
    const x = tf.tensor2d([
      [1, 2],
      [-1, 0],
      [0, 0],
    ]);
    // [1,2]: [2, 1.5, -3] -> [2, 1.5, 0]; [-1,0]: [-1, 1.5, -1] -> [0, 1.5, 0]; [0,0]: [0, .5, 1]
    const codes = extractFeatures(m, x, { batchSize: 2 });
    expect(codes.shape).toEqual([3, 3]);
    expect(Array.from(codes.dataSync())).toEqual([2, 1.5, 0, 0, 1.5, 0, 0, 0.5, 1]);
    const raw = extractFeatures(m, x, { layer: 'codes', relu: false });
    expect(Array.from(raw.dataSync())).toEqual([2, 1.5, -3, -1, 1.5, -1, 0, 0.5, 1]);
    tf.dispose([x, codes, raw]);
  });

  it('pools spatial codes by mean or max over height and width', () => {
    const m = convNet();
    const x = tf.tensor4d([-1, -2, 3, -0.5], [1, 2, 2, 1]); // conv: x * -2 = [2, 4, -6, 1] -> relu [2, 4, 0, 1]
    const avg = extractFeatures(m, x, { layer: 'c', pool: 'avg' });
    const max = extractFeatures(m, x, { layer: 'c', pool: 'max' });
    const none = extractFeatures(m, x, { layer: 'c' });
    expect(Array.from(avg.dataSync())).toEqual([7 / 4]);
    expect(Array.from(max.dataSync())).toEqual([4]);
    expect(Array.from(none.dataSync())).toEqual([2, 4, 0, 1]);
    tf.dispose([x, avg, max, none]);
  });

  it('validates its arguments', () => {
    const m = handNet();
    const x = tf.zeros([2, 2]);
    expect(() => extractFeatures(m, x, { pool: 'sum' as 'avg' })).toThrow(/options.pool/);
    expect(() => extractFeatures(m, x, { batchSize: 0 })).toThrow(/options.batchSize/);
    expect(() => extractFeatures(m, tf.zeros([2]) as tf.Tensor, {})).toThrow(ConfigError);
    expect(() => extractFeatures(m, [1, 2] as unknown as tf.Tensor)).toThrow(/^x:/);
    expect(() => extractFeatures(m, x, { layer: 'nope' })).toThrow(/options.layer|layer/);
    x.dispose();
  });

  it('leaks nothing but the returned codes', async () => {
    const m = handNet();
    const x = tf.randomNormal([5, 2]);
    await expectNoLeaks(() => extractFeatures(m, x, { batchSize: 2 }).dispose());
    await expectNoLeaks(() => extractFeatures(m, x, { batchSize: 8 }).dispose());
    x.dispose();
  });
});

describe('extractFeaturesCached', () => {
  it('computes once, then reads the same codes from disk; the key follows layer and weights', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'codes-'));
    const m = handNet();
    const x = tf.tensor2d([
      [1, 2],
      [-1, 0],
    ]);
    const a = await extractFeaturesCached(m, x, { cacheDir: dir });
    const b = await extractFeaturesCached(m, x, { cacheDir: dir });
    expect(a.hit).toBe(false);
    expect(b.hit).toBe(true);
    expect(Array.from(b.codes.dataSync())).toEqual([2, 1.5, 0, 0, 1.5, 0]);
    const c = await extractFeaturesCached(m, x, { cacheDir: dir, relu: false });
    expect(c.key).not.toBe(a.key);
    m.getLayer('codes').setWeights([tf.ones([2, 3]), tf.zeros([3])]);
    const d = await extractFeaturesCached(m, x, { cacheDir: dir });
    expect(d.hit).toBe(false);
    expect(Array.from(d.codes.dataSync())).toEqual([3, 3, 3, 0, 0, 0]);
    expect((await readdir(dir)).length).toBe(6);
    await truncate(join(dir, `${a.key}.bin`), 4);
    m.getLayer('codes').setWeights(handNet().getLayer('codes').getWeights());
    await expect(extractFeaturesCached(m, x, { cacheDir: dir })).rejects.toBeInstanceOf(IOError);
    tf.dispose([x, a.codes, b.codes, c.codes, d.codes]);
    await rm(dir, { recursive: true, force: true });
  });

  it('requires a cacheDir and leaks nothing', async () => {
    const m = handNet();
    const x = tf.zeros([1, 2]);
    await expect(extractFeaturesCached(m, x, { cacheDir: '' })).rejects.toBeInstanceOf(ConfigError);
    const dir = await mkdtemp(join(tmpdir(), 'codes-'));
    await expectNoLeaks(async () => {
      (await extractFeaturesCached(m, x, { cacheDir: dir })).codes.dispose();
      (await extractFeaturesCached(m, x, { cacheDir: dir })).codes.dispose();
    });
    x.dispose();
    await rm(dir, { recursive: true, force: true });
  });
});

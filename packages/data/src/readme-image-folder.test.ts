import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { inputNormalization, randomResizedCrop, resizeCenterCrop } from './index';
import { imageFolder } from './node';

describe('README: image folders', () => {
  it('runs the example as written (paths relative to the package)', async () => {
    const before = tf.memory().numTensors;
    const photos = await imageFolder(join(import.meta.dirname, '../fixtures/images/photos'), {
      imageSize: 224,
      onError: 'skip',
    });
    expect(photos.classNames).toEqual(['cat', 'dog']);
    const { train, test } = photos.split({ test: 0.4, stratify: true, rng: 0 });
    const normalization = inputNormalization('imagenet');
    let seen = 0;
    for await (const { x, y } of train.batches(2, {
      shuffle: true,
      rng: 1,
      normalization,
      recipe: randomResizedCrop({ size: 224 }),
    })) {
      expect(x.shape).toEqual([x.shape[0], 224, 224, 3]);
      expect(y.dtype).toBe('int32');
      seen += x.shape[0];
    }
    expect(seen).toBe(3);
    const it = test.batches(2, { normalization, recipe: resizeCenterCrop() });
    const evalBatch = await it.next();
    expect(evalBatch.value!.x.shape).toEqual([2, 224, 224, 3]);
    await it.return();
    expect(photos.skipped).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

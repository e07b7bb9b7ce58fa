// The project's own source model (fixtures/fashion04-cnn, trained by
// scripts/train-source-model.ts on Fashion-MNIST classes 0-4) on a fresh clone: it loads through
// the package's loader, classifies its classes well above chance, and measureSimilarity tells its
// own data from the same images with scrambled pixels. Data: the Fashion-MNIST subset shipped
// inside @trainkit/data (a test-only dependency).
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { embeddedFashionMnist } from '@trainkit/data/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromPath } from './file-handler-node';
import { listLayers } from './list-layers';
import { measureSimilarity } from './measure-similarity';
import { recommendStrategy } from './recommend-strategy';

const dir = fileURLToPath(new URL('../fixtures/fashion04-cnn', import.meta.url));

/** Images of classes 0-4 as [N, 28, 28, 1] in [0, 1] and labels. */
async function classes04(part: 'train' | 'test'): Promise<{ x: tf.Tensor4D; y: tf.Tensor1D }> {
  const ds = (await embeddedFashionMnist())[part];
  const keep = Array.from(ds.y.keys()).filter((i) => ds.y[i]! < 5);
  const sub = ds.subset(keep);
  const { x, y } = sub.toTensors();
  const scaled = tf.tidy(() => tf.div(tf.reshape(x as tf.Tensor, [keep.length, 28, 28, 1]), 255));
  tf.dispose(x as tf.Tensor);
  return { x: scaled as tf.Tensor4D, y: y as tf.Tensor1D };
}

describe('the fashion04-cnn source model (fixture)', () => {
  let model: tfl.LayersModel;
  beforeAll(async () => {
    model = await loadModelFromPath(dir);
  });

  it('loads with its layers and classifies Fashion-MNIST classes 0-4 well above chance', async () => {
    expect(listLayers(model).map((l) => l.name)).toEqual([
      'conv1',
      'pool1',
      'conv2',
      'pool2',
      'conv3',
      'pool3',
      'flatten',
      'codes',
      'logits',
    ]);
    const { x, y } = await classes04('test');
    expect(x.shape[0]).toBe(250); // 50 per class in the embedded test subset
    const acc = tf.tidy(() => {
      const pred = tf.argMax(model.predict(x) as tf.Tensor, 1);
      return tf.mean(tf.cast(tf.equal(pred, y), 'float32')).dataSync()[0]!;
    });
    // chance is 20%; the model scored 92.1% on all 5,000 such test images (training.json)
    expect(acc).toBeGreaterThan(0.8);
    tf.dispose([x, y]);
  });

  it('measureSimilarity: its own classes are similar, the same images with shuffled pixels different', async () => {
    const { x, y } = await classes04('train'); // 1,000 images, 200 per class
    const plain = measureSimilarity(model, { x, y }, { sampleSize: 300 });
    // a fixed pixel permutation: the pictures are noise to the convolutions, but a linear
    // classifier on raw pixels does exactly as well (a permutation leaves the Gram matrix unchanged)
    let s = 11;
    const perm = Array.from({ length: 784 }, (_, i) => i);
    for (let i = 783; i > 0; i--) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const j = Math.floor((s / 2147483648) * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const xp = tf.tidy(() =>
      tf.reshape(tf.gather(tf.reshape(x, [-1, 784]), perm, 1), [-1, 28, 28, 1]),
    );
    const shuffled = measureSimilarity(model, { x: xp, y }, { sampleSize: 300 });
    expect(plain.verdict).toBe('similar');
    expect(shuffled.verdict).toBe('different');
    expect(shuffled.score).toBeLessThan(plain.score);
    const input = (r: typeof plain) => r.probes.find((p) => p.layer === 'input')!.accuracy;
    expect(input(shuffled)).toBeCloseTo(input(plain), 10);
    expect(recommendStrategy({ targetSize: 100, similarity: plain, model }).strategy).toBe(
      'linear-on-top-codes',
    );
    expect(recommendStrategy({ targetSize: 100, similarity: shuffled, model }).strategy).toBe(
      'linear-on-earlier-codes',
    );
    tf.dispose([x, y, xp]);
  }, 120_000);
});

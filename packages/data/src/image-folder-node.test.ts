import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { averageViews } from './average-views';
import { imageFolder } from './image-folder-node';
import { inputNormalization } from './input-normalization';
import { resizeCenterCrop } from './resize-center-crop';
import { resizeImage } from './resize-image';
import { tenCrop } from './ten-crop';

const FIXTURES = join(import.meta.dirname, '../fixtures/images');
const PHOTOS = join(FIXTURES, 'photos');
// Pillow 9.4 + torchvision 0.14.1 outputs (scripts/make_image_fixtures.py)
const ref = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as {
  images: Record<
    string,
    {
      width: number;
      height: number;
      rgb: string;
      grey: string;
      resize: string;
      resizeCenterCrop: string;
      imagenetFirstPixel: number[];
      minusOneToOne: number[];
    }
  >;
};
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const FILES = ['cat/a.jpg', 'cat/b.png', 'dog/c.png', 'dog/d.webp', 'dog/e.jpeg'];

function diff(a: Uint8Array, b: Uint8Array): { mean: number; max: number } {
  expect(a.length).toBe(b.length);
  let s = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!);
    s += e;
    if (e > m) m = e;
  }
  return { mean: s / a.length, max: m };
}

function tempPhotos(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-images-'));
  cpSync(PHOTOS, dir, { recursive: true });
  return dir;
}

describe('imageFolder (Node, sharp)', () => {
  it('reads classes from subfolders and files in sorted order, ignoring other files', async () => {
    const dir = tempPhotos();
    writeFileSync(join(dir, 'cat', 'notes.txt'), 'not an image');
    writeFileSync(join(dir, 'cat', '.hidden.jpg'), 'hidden');
    mkdirSync(join(dir, 'cat', 'more'));
    copyFileSync(join(PHOTOS, 'cat/a.jpg'), join(dir, 'cat', 'more', 'A2.JPG'));
    const folder = await imageFolder(dir);
    expect(folder.classNames).toEqual(['cat', 'dog']);
    expect(folder.size).toBe(6);
    expect(folder.histogram()).toEqual([3, 3]);
    expect(Array.from(folder.labels)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(folder.sources.map((s) => s.slice(dir.length + 1))).toEqual([
      'cat/a.jpg',
      'cat/b.png',
      'cat/more/A2.JPG',
      'dog/c.png',
      'dog/d.webp',
      'dog/e.jpeg',
    ]);
    expect(folder.shape).toEqual([224, 224, 3]);
    const only = await imageFolder(dir, { classNames: ['dog'] });
    expect(only.size).toBe(3);
  });

  it('decodes PNG, WebP and JPEG pixels as Pillow does (alpha dropped, grey expanded)', async () => {
    const folder = await imageFolder(PHOTOS);
    for (const [i, name] of FILES.entries()) {
      const r = ref.images[name]!;
      // an identity recipe: resize to the file's own size
      const [rgb] = (await folder.decode(i, resizeImage({ size: [r.height, r.width] })))!;
      const d = diff(rgb!, bytes(r.rgb));
      if (name.endsWith('.png') || name.endsWith('.webp')) expect(d.max).toBe(0);
      else expect(d.max).toBeLessThanOrEqual(2); // IDCT rounding of two libjpeg builds
    }
    const grey = await imageFolder(PHOTOS, { channels: 1 });
    const [g] = (await grey.decode(1, resizeImage({ size: [80, 64] })))!; // a grey PNG
    expect(diff(g!, bytes(ref.images['cat/b.png']!.grey)).max).toBe(0);
    // RGB -> grey: libvips' and Pillow's luma weights differ slightly
    const [g2] = (await grey.decode(3, resizeImage({ size: [70, 110] })))!;
    expect(diff(g2!, bytes(ref.images['dog/d.webp']!.grey)).mean).toBeLessThan(1.5);
  });

  it('resizes and centre-crops within two grey levels of Pillow / torchvision', async () => {
    const folder = await imageFolder(PHOTOS);
    for (const [i, name] of FILES.entries()) {
      const r = ref.images[name]!;
      const [s] = (await folder.decode(i, resizeImage({ size: [24, 32] })))!;
      const ds = diff(s!, bytes(r.resize));
      const [c] = (await folder.decode(i, resizeCenterCrop({ resize: 40, crop: 32 })))!;
      const dc = diff(c!, bytes(r.resizeCenterCrop));
      // sharp's linear kernel vs Pillow's antialiased bilinear: same filter, different rounding
      for (const d of [ds, dc]) {
        expect(d.mean).toBeLessThan(0.5);
        expect(d.max).toBeLessThanOrEqual(2);
      }
    }
  });

  it('normalises as torchvision ToTensor + Normalize and as [-1, 1]', async () => {
    const folder = await imageFolder(PHOTOS, { imageSize: [100, 100] });
    const r = ref.images['dog/c.png']!;
    for (const [name, expected] of [
      ['imagenet', r.imagenetFirstPixel],
      ['minus-one-to-one', r.minusOneToOne],
    ] as const) {
      const it = folder.subset([2]).batches(1, { normalization: inputNormalization(name) });
      const { value } = await it.next();
      const first = Array.from(
        (await tf.slice(value!.x, [0, 0, 0, 0], [1, 1, 1, 3]).data()) as Float32Array,
      );
      first.forEach((v, c) => {
        expect(v).toBeCloseTo(expected[c]!, 5);
      });
      await it.return();
    }
  });

  it('streams batches with prefetch, shuffles by seed, and leaks no tensor', async () => {
    const folder = await imageFolder(PHOTOS, { imageSize: 16 });
    const run = async (seed: number, prefetch: number) => {
      const seen: number[] = [];
      for await (const b of folder.batches(2, { shuffle: true, rng: seed, prefetch })) {
        expect(b.x.shape.slice(1)).toEqual([16, 16, 3]);
        expect(b.x.dtype).toBe('float32');
        expect(Array.from(await b.y.data())).toEqual(
          Array.from(b.indices, (i) => folder.labels[i]!),
        );
        seen.push(...b.indices);
      }
      return seen;
    };
    const a = await run(7, 2);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(await run(7, 0)).toEqual(a);
    await expectNoLeaks(() => run(8, 1));
    const sizes: number[] = [];
    for await (const b of folder.batches(2, { dropRemainder: true })) sizes.push(b.x.shape[0]);
    expect(sizes).toEqual([2, 2]);
    // keep: the caller owns the batches
    const kept = [];
    for await (const b of folder.batches(3, { keep: true, oneHot: true })) kept.push(b);
    expect(kept[0]!.y.shape).toEqual([3, 2]);
    kept.forEach((b) => {
      tf.dispose([b.x, b.y]);
    });
  });

  it('gives reproducible random crops whatever the decoding order', async () => {
    const folder = await imageFolder(PHOTOS, { imageSize: 8 });
    const { randomResizedCrop } = await import('./random-resized-crop');
    const take = async (prefetch: number) => {
      const out: number[] = [];
      for await (const b of folder.batches(2, {
        recipe: randomResizedCrop({ size: 8 }),
        rng: 3,
        prefetch,
      })) {
        out.push(...(await b.x.data()));
      }
      return out;
    };
    expect(await take(0)).toEqual(await take(3));
  });

  it('yields ten views per image for test-time augmentation, averaged per image', async () => {
    const folder = await imageFolder(PHOTOS);
    const it = folder.batches(2, { recipe: tenCrop({ resize: 40, crop: 32 }) });
    const { value: b } = await it.next();
    expect(b!.x.shape).toEqual([20, 32, 32, 3]);
    expect(b!.y.shape).toEqual([2]);
    expect(b!.views).toBe(10);
    // view 5 is view 0's box of the mirrored image: mirrored top-right = view 1 flipped
    const v1 = tf.slice(b!.x, [1, 0, 0, 0], [1, 32, 32, 3]);
    const v5 = tf.slice(b!.x, [5, 0, 0, 0], [1, 32, 32, 3]);
    const back = tf.reverse(v5, 2);
    expect(Array.from(await back.data())).toEqual(Array.from(await v1.data()));
    tf.dispose([v1, v5, back]);
    await it.return();
    const p = tf.tensor2d([1, 0, 0, 1, 0.5, 0.5, 0.25, 0.75], [4, 2]);
    await expectNoLeaks(() => averageViews(p, 2).dispose());
    const avg = averageViews(p, 2);
    expect(Array.from(await avg.data())).toEqual([0.5, 0.5, 0.375, 0.625]);
    expect(() => averageViews(p, 3)).toThrow(/predictions: the number of rows is not a multiple/);
    tf.dispose([p, avg]);
  });

  it('names a corrupt or truncated file, or skips it and counts it when asked', async () => {
    const dir = tempPhotos();
    writeFileSync(join(dir, 'dog', 'broken.jpg'), Buffer.from('this is not a jpeg'));
    const whole = readFileSync(join(PHOTOS, 'cat/a.jpg'));
    writeFileSync(join(dir, 'cat', 'truncated.jpg'), whole.subarray(0, whole.length >> 1));
    const strict = await imageFolder(dir, { imageSize: 8 });
    const drain = async (f: typeof strict) => {
      let n = 0;
      for await (const b of f.batches(4)) n += b.indices.length;
      return n;
    };
    await expect(drain(strict)).rejects.toThrow(/(truncated|broken)\.jpg: cannot decode the image/);
    // each kind of damage alone
    await expect(strict.decode(2)).rejects.toThrow(/cat\/truncated\.jpg: cannot decode the image/);
    await expect(strict.decode(3)).rejects.toThrow(/dog\/broken\.jpg: cannot decode the image/);
    const lenient = await imageFolder(dir, { imageSize: 8, onError: 'skip' });
    const before = tf.memory().numTensors;
    expect(await drain(lenient)).toBe(5);
    expect(tf.memory().numTensors).toBe(before);
    expect(lenient.skipped.map((s) => s.source.slice(dir.length + 1)).sort()).toEqual([
      'cat/truncated.jpg',
      'dog/broken.jpg',
    ]);
    expect(await drain(lenient)).toBe(5); // a second epoch counts each file once
    expect(lenient.skipped).toHaveLength(2);
    const ds = await lenient.toDataset();
    expect(ds.size).toBe(5);
    expect(ds.shape).toEqual([8, 8, 3]);
    expect(ds.classNames).toEqual(['cat', 'dog']);
  });

  it('splits by seed as splitDataset does, stratified', async () => {
    const folder = await imageFolder(PHOTOS, { imageSize: 8 });
    const a = folder.split({ test: 0.4, stratify: true, rng: 1 });
    const b = folder.split({ test: 0.4, stratify: true, rng: 1 });
    expect(a.test.sources).toEqual(b.test.sources);
    expect(a.test.histogram()).toEqual([1, 1]);
    expect(a.train.size + a.test.size).toBe(5);
    expect(new Set([...a.train.sources, ...a.test.sources]).size).toBe(5);
  });

  it('explains a missing folder, no classes, an empty class and unknown class names', async () => {
    await expect(imageFolder('/no/such/dir')).rejects.toThrow(/\/no\/such\/dir: no such folder/);
    const empty = mkdtempSync(join(tmpdir(), 'trainkit-images-'));
    await expect(imageFolder(empty)).rejects.toThrow(/no class subfolders/);
    mkdirSync(join(empty, 'cat'));
    await expect(imageFolder(empty)).rejects.toThrow(/class folder 'cat' holds no images/);
    await expect(imageFolder(PHOTOS, { classNames: ['cow'] })).rejects.toThrow(
      /classNames: no subfolder 'cow'/,
    );
    await expect(imageFolder(PHOTOS, { channels: 2 as never })).rejects.toThrow(/channels/);
  });
});

describe('saveImage', () => {
  it('writes JPEG, PNG and WebP that the folder reads back', async () => {
    const { saveImage } = await import('./save-image-node');
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-save-'));
    const data = new Uint8Array(12 * 10 * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256;
    await saveImage(join(dir, 'a', 'x.png'), { data, width: 12, height: 10, channels: 3 });
    await saveImage(join(dir, 'b', 'y.jpg'), { data, width: 12, height: 10, channels: 3 });
    await saveImage(join(dir, 'b', 'z.webp'), { data, width: 12, height: 10, channels: 3 });
    const folder = await imageFolder(dir, { imageSize: [10, 12] });
    expect(folder.histogram()).toEqual([1, 2]);
    const [png] = (await folder.decode(0))!;
    expect(Array.from(png!)).toEqual(Array.from(data)); // PNG is lossless
    await expect(
      saveImage(join(dir, 'c.gif'), { data, width: 12, height: 10, channels: 3 }),
    ).rejects.toThrow(/path: unknown image extension/);
    await expect(
      saveImage(join(dir, 'd.png'), { data, width: 11, height: 10, channels: 3 }),
    ).rejects.toThrow(/pixels: pixel count does not match/);
  });
});

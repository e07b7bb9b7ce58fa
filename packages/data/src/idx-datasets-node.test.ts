import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expectNoLeaks, sharedDir } from '@trainkit/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import reference from '../fixtures/reference.json';
import { closedPort, serveDir } from '../test/local-server';
import { sum } from '../test/sum';
import { FASHION_MNIST_CLASSES, fashionMnist, mnist, mnistTest } from './idx-datasets-node';
import { fitPixelNormalization } from './pixel-normalization';

const fm = sharedDir('data/fashion-mnist');
const mt = sharedDir('data/mnist-test');
if (!fm)
  console.warn('[data] ../shared/data/fashion-mnist absent: skipping the real Fashion-MNIST tests');
if (!mt)
  console.warn('[data] ../shared/data/mnist-test absent: skipping the real MNIST test-set tests');

const tmp = () => mkdtempSync(join(tmpdir(), 'trainkit-data-idx-'));
const savedEnv = process.env.TRAINKIT_DATA;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.TRAINKIT_DATA;
  else process.env.TRAINKIT_DATA = savedEnv;
});

/** Four tiny valid files (3 train, 2 test images of 2x2) under the official names. */
function tinyFiles(dir: string, gz = true): void {
  const img = (n: number) =>
    new Uint8Array([0, 0, 8, 3, 0, 0, 0, n, 0, 0, 0, 2, 0, 0, 0, 2, ...new Array(4 * n).fill(9)]);
  const lbl = (v: number[]) => new Uint8Array([0, 0, 8, 1, 0, 0, 0, v.length, ...v]);
  const files: [string, Uint8Array][] = [
    ['train-images-idx3-ubyte', img(3)],
    ['train-labels-idx1-ubyte', lbl([1, 2, 3])],
    ['t10k-images-idx3-ubyte', img(2)],
    ['t10k-labels-idx1-ubyte', lbl([9, 0])],
  ];
  for (const [name, bytes] of files) {
    if (gz) writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes));
    else writeFileSync(join(dir, name), bytes);
  }
}

describe('fashionMnist', () => {
  it.skipIf(!fm)(
    'reads the real files: 60,000 + 10,000 images of 28x28x1, 6,000 / 1,000 per class',
    async () => {
      const { train, test } = await expectNoLeaks(() =>
        fashionMnist({ dir: fm!, searchDirs: [], download: false }),
      );
      expect([train.size, test.size]).toEqual([60_000, 10_000]);
      expect(train.shape).toEqual([28, 28, 1]);
      expect(test.shape).toEqual([28, 28, 1]);
      expect(train.x.length).toBe(60_000 * 784);
      expect(train.histogram()).toEqual(new Array(10).fill(6000));
      expect(test.histogram()).toEqual(new Array(10).fill(1000));
      expect(train.classNames).toEqual(FASHION_MNIST_CLASSES);
      // numpy reference values (scripts/make_fixtures.py)
      const ref = reference.fashionMnist;
      expect(Array.from(train.y.subarray(0, 10))).toEqual(ref.trainFirstLabels);
      expect(Array.from(test.y.subarray(0, 10))).toEqual(ref.testFirstLabels);
      expect(Array.from(train.x.subarray(14 * 28, 15 * 28))).toEqual(ref.trainImage0Row14);
      expect(sum(train.x.subarray(0, 784))).toBe(ref.trainImage0Sum);
      const o = fitPixelNormalization(train).options as {
        mean: readonly number[];
        std: readonly number[];
      };
      expect(o.mean[0]).toBeCloseTo(ref.trainMean, 9);
      expect(o.std[0]).toBeCloseTo(ref.trainStd, 9);
    },
  );

  it('finds uncompressed files in dir', async () => {
    const dir = tmp();
    tinyFiles(dir, false);
    const { train, test } = await fashionMnist({ dir, searchDirs: [], download: false });
    expect(Array.from(train.y)).toEqual([1, 2, 3]);
    expect(Array.from(test.y)).toEqual([9, 0]);
    expect(train.shape).toEqual([2, 2, 1]);
  });

  it('finds the files through $TRAINKIT_DATA/fashion-mnist', async () => {
    const root = tmp();
    const sub = join(root, 'fashion-mnist');
    mkdirSync(sub);
    tinyFiles(sub);
    process.env.TRAINKIT_DATA = root;
    const { train } = await fashionMnist({ cacheDir: tmp(), download: false });
    expect(train.size).toBe(3);
  });

  it('offline: fails with a clear IOError naming the URL (closed port on 127.0.0.1)', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/`;
    const err = await fashionMnist({ dir: tmp(), searchDirs: [], cacheDir: tmp(), baseUrl }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'IO', argument: `${baseUrl}train-images-idx3-ubyte.gz` });
    expect(err.message).toMatch(/cannot download \(offline or unreachable: ECONNREFUSED\)/);
  });

  it('with download: false and no files, says where it looked', async () => {
    const dir = tmp();
    await expect(
      fashionMnist({ dir, searchDirs: [], cacheDir: dir, download: false }),
    ).rejects.toThrow(
      /dir: fashion-mnist files not found and download is off; expected the four files \(train-images-idx3-ubyte\.gz, .*\) in one of: /,
    );
  });

  it('refuses downloaded files whose checksum is not the official one', async () => {
    const src = tmp();
    tinyFiles(src);
    const server = await serveDir(src);
    try {
      const cacheDir = tmp();
      const err = await fashionMnist({ searchDirs: [], cacheDir, baseUrl: server.url }).catch(
        (e) => e,
      );
      expect(err).toMatchObject({ code: 'IO' });
      expect(err.message).toMatch(/train-images-idx3-ubyte\.gz: checksum mismatch/);
    } finally {
      await server.close();
    }
  });

  it.skipIf(!fm)(
    'downloads the official files into the cache, verifies them, then reuses the cache',
    async () => {
      const server = await serveDir(fm!);
      try {
        const cacheDir = tmp();
        const { test } = await fashionMnist({ searchDirs: [], cacheDir, baseUrl: server.url });
        expect(test.size).toBe(10_000);
        expect(server.hits.length).toBe(4);
        expect(readFileSync(join(cacheDir, 't10k-labels-idx1-ubyte.gz'))).toEqual(
          readFileSync(join(fm!, 't10k-labels-idx1-ubyte.gz')),
        );
        await fashionMnist({ searchDirs: [], cacheDir, baseUrl: server.url });
        expect(server.hits.length).toBe(4);
      } finally {
        await server.close();
      }
    },
  );
});

describe('mnist', () => {
  it('loads the four files from dir', async () => {
    const dir = tmp();
    tinyFiles(dir);
    const { train, test } = await mnist({ dir, searchDirs: [], download: false });
    expect([train.size, test.size]).toEqual([3, 2]);
    expect(train.classNames?.[3]).toBe('3');
  });

  it('offline: IOError naming the mirror URL', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    await expect(mnist({ searchDirs: [], cacheDir: tmp(), baseUrl })).rejects.toMatchObject({
      code: 'IO',
      argument: `${baseUrl}/train-images-idx3-ubyte.gz`,
    });
  });
});

describe('mnistTest', () => {
  it.skipIf(!mt)(
    'reads the real MNIST test set: 10,000 images, numpy-reference histogram',
    async () => {
      const test = await expectNoLeaks(() => mnistTest({ dir: mt! }));
      expect(test.size).toBe(10_000);
      expect(test.shape).toEqual([28, 28, 1]);
      expect(test.histogram()).toEqual(reference.mnistTest.histogram);
      expect(Array.from(test.y.subarray(0, 10))).toEqual(reference.mnistTest.firstLabels);
      expect(sum(test.x)).toBe(reference.mnistTest.pixelSum);
    },
  );

  it('missing files -> IOError naming the folder', async () => {
    const dir = tmp();
    await expect(mnistTest({ dir })).rejects.toThrow(`${dir}: MNIST test files not found`);
  });

  it('a label/image count mismatch -> IOError naming both files', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 't10k-images-idx3-ubyte'),
      new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 5, 6]),
    );
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 3]));
    await expect(mnistTest({ dir })).rejects.toThrow(
      /t10k-images-idx3-ubyte \/ .*t10k-labels-idx1-ubyte: image and label counts differ/,
    );
  });
});

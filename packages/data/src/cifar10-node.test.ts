import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectNoLeaks, sharedDir } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import reference from '../fixtures/reference.json';
import { closedPort, serveDir } from '../test/local-server';
import { CIFAR10_CLASSES } from './cifar10';
import { cifar10 } from './cifar10-node';

const cs = sharedDir('data/cifar10-subset');
if (!cs)
  console.warn(
    '[data] ../shared/data/cifar10-subset absent: skipping the real CIFAR-10 subset test',
  );

function batch(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, r) => {
    out[r * 3073] = l;
  });
  return out;
}

describe('cifar10', () => {
  it.skipIf(!cs)(
    'reads the shared subset: 10,000 + 10,000 images, 1,000 per class, numpy-reference pixels',
    async () => {
      const { train, test } = await expectNoLeaks(() =>
        cifar10({ dir: cs!, trainFiles: ['train_batch.bin'], testFiles: ['test_batch.bin'] }),
      );
      expect([train.size, test.size]).toEqual([10_000, 10_000]);
      expect(test.shape).toEqual([32, 32, 3]);
      expect(train.histogram()).toEqual(new Array(10).fill(1000));
      expect(test.histogram()).toEqual(reference.cifarTest.histogram);
      // the README: both files share one label sequence, starting 9, 0, 2, 5, 2, 8
      expect(Array.from(test.y.subarray(0, 6))).toEqual([9, 0, 2, 5, 2, 8]);
      expect(Array.from(train.y)).toEqual(Array.from(test.y));
      expect(Array.from(test.y.subarray(0, 10))).toEqual(reference.cifarTest.firstLabels);
      expect(test.classNames).toEqual(CIFAR10_CLASSES);
      expect(readFileSync(join(cs!, 'batches.meta.txt'), 'utf8').trim().split('\n')).toEqual(
        CIFAR10_CLASSES,
      );
      const index = readFileSync(join(cs!, 'test_index.txt'), 'utf8').trim().split('\n');
      expect(index.map((l) => Number(l.split('\t')[0]))).toEqual(Array.from(test.y));
      for (const { index, h, w, rgb } of reference.cifarTest.probes) {
        const o = index * 3072 + (h * 32 + w) * 3;
        expect(Array.from(test.x.subarray(o, o + 3))).toEqual(rgb);
      }
    },
  );

  it('concatenates several training batches in order and finds cifar-10-batches-bin/', async () => {
    const root = mkdtempSync(join(tmpdir(), 'trainkit-data-cifar-'));
    const dir = join(root, 'cifar-10-batches-bin');
    mkdirSync(dir);
    for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), batch([i, i]));
    writeFileSync(join(dir, 'test_batch.bin'), batch([0]));
    const { train, test } = await cifar10({ dir: root });
    expect(Array.from(train.y)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(test.size).toBe(1);
  });

  it('missing files with download: false -> IOError listing them and where it looked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-data-cifar-'));
    writeFileSync(join(dir, 'test_batch.bin'), batch([0]));
    await expect(cifar10({ dir, cacheDir: dir, download: false })).rejects.toThrow(
      /: CIFAR-10 files missing: data_batch_1\.bin, .*data_batch_5\.bin; expected the binary batches in one of: /,
    );
  });

  it('offline: IOError naming the archive URL (closed port on 127.0.0.1)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/cifar-10-binary.tar.gz`;
    const cacheDir = mkdtempSync(join(tmpdir(), 'trainkit-data-cifar-'));
    const err = await cifar10({ cacheDir, url }).catch((e) => e);
    expect(err).toMatchObject({ code: 'IO', argument: url });
    expect(err.message).toMatch(/cannot download \(offline or unreachable: ECONNREFUSED\)/);
  });

  it('downloads the archive, checks its MD5, unpacks it into the cache and reuses it', async () => {
    const server = await serveDir(fileURLToPath(new URL('../fixtures/', import.meta.url)));
    try {
      const cacheDir = mkdtempSync(join(tmpdir(), 'trainkit-data-cifar-'));
      const url = `${server.url}tiny-cifar-10-binary.tar.gz`;
      // the official MD5 does not match the tiny stand-in archive
      await expect(cifar10({ cacheDir, url })).rejects.toThrow(
        /checksum mismatch.*expected md5 c32a1d4ab5d03f1284b67883e8d87530/,
      );
      const md5 = createHash('md5')
        .update(readFileSync(new URL('../fixtures/tiny-cifar-10-binary.tar.gz', import.meta.url)))
        .digest('hex');
      const { train, test } = await cifar10({ cacheDir, url, md5 });
      expect(Array.from(train.y)).toEqual([1, 2, 3, 4, 5]);
      expect(Array.from(test.y)).toEqual([0]);
      // pixel (h=1, w=2) -> p = 34; planes hold (p + c) mod 256
      expect(Array.from(test.x.subarray(34 * 3, 34 * 3 + 3))).toEqual([34, 35, 36]);
      expect(existsSync(join(cacheDir, 'cifar-10-batches-bin', 'batches.meta.txt'))).toBe(true);
      expect(existsSync(join(cacheDir, 'cifar-10-binary.tar.gz'))).toBe(false);
      const hits = server.hits.length;
      await cifar10({ cacheDir, url, md5 });
      expect(server.hits.length).toBe(hits);
    } finally {
      await server.close();
    }
  });

  it('a truncated batch -> IOError naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-data-cifar-'));
    writeFileSync(join(dir, 'a.bin'), batch([0]).subarray(0, 3000));
    writeFileSync(join(dir, 'b.bin'), batch([0]));
    await expect(cifar10({ dir, trainFiles: ['a.bin'], testFiles: ['b.bin'] })).rejects.toThrow(
      /a\.bin: truncated or not a CIFAR-10 binary batch/,
    );
  });
});

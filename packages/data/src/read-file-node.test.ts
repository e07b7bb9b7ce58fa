import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { readCifar10File, readCsvFile, readFileBytes, readIdxFile } from './read-file-node';

const dir = mkdtempSync(join(tmpdir(), 'trainkit-data-read-'));
const idx = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]);
writeFileSync(join(dir, 'a-idx1-ubyte'), idx);
writeFileSync(join(dir, 'a-idx1-ubyte.gz'), gzipSync(idx));
writeFileSync(join(dir, 'cut.gz'), gzipSync(idx).subarray(0, 15));
writeFileSync(join(dir, 'd.csv.gz'), gzipSync('x,y\n1.5,1\n2,0\n'));
writeFileSync(join(dir, 'bad.csv'), 'x,y\n1.5,1\n2\n');
const rec = new Uint8Array(3073);
rec[0] = 4;
rec[1] = 200; // R of pixel (0, 0)
writeFileSync(join(dir, 'batch.bin'), rec);

describe('Node file readers', () => {
  it('readFileBytes gunzips gzip files and returns plain ones as they are', async () => {
    expect(await readFileBytes(join(dir, 'a-idx1-ubyte.gz'))).toEqual(idx);
    expect(await readFileBytes(join(dir, 'a-idx1-ubyte'))).toEqual(idx);
  });

  it('readFileBytes: a missing file -> IOError naming the path and errno', async () => {
    const p = join(dir, 'nope.gz');
    await expect(readFileBytes(p)).rejects.toThrow(`${p}: cannot read file (ENOENT)`);
  });

  it('readFileBytes: a truncated .gz -> IOError naming the path', async () => {
    await expect(readFileBytes(join(dir, 'cut.gz'))).rejects.toMatchObject({
      code: 'IO',
      argument: join(dir, 'cut.gz'),
    });
  });

  it('readIdxFile reads gzipped and plain IDX', async () => {
    await expectNoLeaks(async () => {
      expect(Array.from((await readIdxFile(join(dir, 'a-idx1-ubyte.gz'))).data)).toEqual([7, 8, 9]);
      expect((await readIdxFile(join(dir, 'a-idx1-ubyte'))).dims).toEqual([3]);
    });
  });

  it('readCifar10File reads a batch file, errors naming it', async () => {
    const ds = await readCifar10File(join(dir, 'batch.bin'));
    expect(Array.from(ds.y)).toEqual([4]);
    expect(ds.x[0]).toBe(200);
    await expect(readCifar10File(join(dir, 'a-idx1-ubyte'))).rejects.toThrow(
      /a-idx1-ubyte: truncated or not a CIFAR-10/,
    );
  });

  it('readCsvFile reads gzipped CSV and names the file in row errors', async () => {
    const ds = await readCsvFile(join(dir, 'd.csv.gz'), { labelColumn: 'y' });
    expect(Array.from(ds.x)).toEqual([1.5, 2]);
    expect(Array.from(ds.y)).toEqual([1, 0]);
    await expect(readCsvFile(join(dir, 'bad.csv'))).rejects.toThrow(
      `${join(dir, 'bad.csv')}: line 3 has 1 fields`,
    );
  });
});

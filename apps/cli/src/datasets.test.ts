import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from './datasets';

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An IDX file written by hand: magic 0 0 0x08 (uint8) <ndim>, big-endian dims, then bytes. */
function idx(dims: number[], values: number[]): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(head.buffer);
  head.set([0, 0, 0x08, dims.length]);
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  return new Uint8Array([...head, ...values]);
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  return 'no error';
};

describe('loadDataset from paths', () => {
  it('reads an IDX folder with train and t10k pairs', async () => {
    const dir = join(tmp, 'idx');
    mkdirSync(dir);
    // 3 train images of 2x2 (pixel value = 10 * image + position), 2 test images.
    writeFileSync(
      join(dir, 'train-images-idx3-ubyte'),
      idx([3, 2, 2], [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]),
    );
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([3], [0, 1, 2]));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([2, 2, 2], [5, 5, 5, 5, 6, 6, 6, 6]));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([2], [2, 0]));
    const d = await loadDataset(dir);
    expect(d.train.size).toBe(3);
    expect(d.test.size).toBe(2);
    expect(d.train.shape).toEqual([2, 2, 1]);
    expect(Array.from(d.train.x.slice(4, 8))).toEqual([10, 11, 12, 13]);
    expect(Array.from(d.test.y)).toEqual([2, 0]);
    expect(d.maxValue).toBe(255);
  });

  it('reads a CSV (label last) with a given example shape and splits off a stratified 20% test set', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},${i + 1},${i + 2},${i + 3},${i % 2}`);
    const file = join(tmp, 'tiny.csv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const d = await loadDataset(file, { csvShape: [2, 2, 1], seed: 3 });
    expect(d.train.shape).toEqual([2, 2, 1]);
    expect(d.train.size + d.test.size).toBe(10);
    expect(d.test.size).toBe(2);
    expect(Array.from(d.test.y).sort()).toEqual([0, 1]); // one of each class
    expect(d.maxValue).toBe(12); // the largest feature value, for pixel scaling
  });

  it('reads a CIFAR-10 binary file', async () => {
    const records = 5;
    const bytes = new Uint8Array(records * 3073);
    for (let r = 0; r < records; r++) {
      bytes[r * 3073] = r % 2;
      bytes[r * 3073 + 1] = 100 + r; // first red pixel
    }
    const file = join(tmp, 'data_batch_1.bin');
    writeFileSync(file, bytes);
    const d = await loadDataset(file, { seed: 0 });
    expect(d.train.shape).toEqual([32, 32, 3]);
    expect(d.train.size + d.test.size).toBe(records);
  });

  it('names the problem for missing paths and unknown files', async () => {
    expect(await codeOf(loadDataset(join(tmp, 'missing')))).toMatch(
      /^IO: --dataset: dataset not found/,
    );
    writeFileSync(join(tmp, 'notes.txt'), 'hello');
    expect(await codeOf(loadDataset(join(tmp, 'notes.txt')))).toMatch(
      /^IO: --dataset: unknown dataset file type/,
    );
    mkdirSync(join(tmp, 'empty'));
    expect(await codeOf(loadDataset(join(tmp, 'empty')))).toMatch(
      /^IO: --dataset: no dataset files in folder/,
    );
  });
});

import { gzipSync } from 'node:zlib';
import { errorCode } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { idxBytes as idx } from '../test/fixtures';
import { FASHION_MNIST_CLASSES, idxDataset } from './datasets';

const file = (name: string, bytes: Uint8Array) =>
  new File([bytes as Uint8Array<ArrayBuffer>], name);
/** An images file ([n, h, w], all `pixel`) and its labels file (`label(i)`), named `<prefix>-…`. */
const pair = (prefix: string, dims: number[], label: (i: number) => number, pixel = 0) => [
  file(
    `${prefix}-images-idx3-ubyte`,
    idx(dims, () => pixel),
  ),
  file(`${prefix}-labels-idx1-ubyte`, idx([dims[0]!], label)),
];

describe('idxDataset', () => {
  it('pairs images and labels, train and t10k, gzip or not', async () => {
    const d = await idxDataset([
      file(
        't10k-labels-idx1-ubyte',
        idx([2], (i) => i),
      ),
      file('train-images-idx3-ubyte.gz', gzipSync(idx([3, 28, 28], (i) => i % 256))),
      file('train-labels-idx1-ubyte.gz', gzipSync(idx([3], (i) => [2, 0, 1][i]!))),
      file(
        't10k-images-idx3-ubyte',
        idx([2, 28, 28], () => 7),
      ),
    ]);
    expect(d.shape).toEqual([28, 28, 1]);
    expect([...d.train.y]).toEqual([2, 0, 1]);
    expect(d.train.x[785]).toBe(785 % 256);
    expect([...d.test!.y]).toEqual([0, 1]);
    expect(d.test!.x.every((v) => v === 7)).toBe(true);
    expect(d.numClasses).toBe(3);
    expect(d.classNames).toEqual(['0', '1', '2']);
  });

  it('names Fashion-MNIST classes when the file says fashion', async () => {
    const d = await idxDataset(pair('fashion-train', [10, 28, 28], (i) => i));
    expect(d.classNames).toEqual(FASHION_MNIST_CLASSES);
  });

  it('refuses images that are not 28x28 grey, and labels that do not match, with ShapeError', async () => {
    const wrong = idxDataset(pair('train', [4, 8, 8], () => 0));
    const e = await wrong.catch((x: Error) => x);
    expect((e as Error).message).toMatch(/wrong shape.*\[4, 8, 8\]/s);
    expect(
      errorCode(() => {
        throw e;
      }),
    ).toBe('SHAPE');
    const mismatch = await idxDataset([
      file(
        'train-images-idx3-ubyte',
        idx([4, 28, 28], () => 0),
      ),
      file(
        'train-labels-idx1-ubyte',
        idx([5], () => 0),
      ),
    ]).catch((x: Error) => x);
    expect((mismatch as Error).message).toMatch(/labels do not match/);
  });

  it('needs an images file and a labels file', async () => {
    const e = await idxDataset([
      file(
        'train-labels-idx1-ubyte',
        idx([4], () => 0),
      ),
    ]).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/need an images file and a labels file/);
  });
});

import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectNoLeaks, sharedDir } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import reference from '../fixtures/reference.json';
import { sum } from '../test/sum';
import { digits, embeddedFashionMnist } from './embedded-node';
import { fashionMnist } from './idx-datasets-node';

const fm = sharedDir('data/fashion-mnist');
if (!fm)
  console.warn(
    '[data] ../shared/data/fashion-mnist absent: skipping the embedded-subset provenance test',
  );

describe('embeddedFashionMnist', () => {
  it('ships 2,000 train + 500 test images, 200 / 50 per class, 28x28x1', async () => {
    const { train, test } = await expectNoLeaks(() => embeddedFashionMnist());
    expect([train.size, test.size]).toEqual([2000, 500]);
    expect(train.shape).toEqual([28, 28, 1]);
    expect(train.histogram()).toEqual(new Array(10).fill(200));
    expect(test.histogram()).toEqual(new Array(10).fill(50));
    expect(train.classNames?.[9]).toBe('Ankle boot');
  });

  it('keeps the assets small (well under 2 MB)', () => {
    const dir = fileURLToPath(new URL('../assets/', import.meta.url));
    const total = ['train', 'test']
      .flatMap((p) => [
        `fashion-mnist-${p}-images-idx3-ubyte.gz`,
        `fashion-mnist-${p}-labels-idx1-ubyte.gz`,
      ])
      .concat('digits.csv.gz')
      .reduce((n, f) => n + statSync(dir + f).size, 0);
    expect(total).toBeLessThan(1.5e6);
  });

  it.skipIf(!fm)(
    'is exactly the first 200 / 50 images per class of the official files, in file order',
    async () => {
      const full = await fashionMnist({ dir: fm!, searchDirs: [], download: false });
      const { train, test } = await embeddedFashionMnist();
      for (const [part, sub, perClass] of [
        [full.train, train, 200],
        [full.test, test, 50],
      ] as const) {
        const seen = new Array(10).fill(0);
        const keep: number[] = [];
        part.y.forEach((c, i) => {
          if (seen[c]++ < perClass) keep.push(i);
        });
        const expected = part.subset(keep);
        expect(Array.from(sub.y)).toEqual(Array.from(expected.y));
        expect(Buffer.from(sub.x).equals(Buffer.from(expected.x))).toBe(true);
      }
    },
  );
});

describe('digits', () => {
  it('matches scikit-learn load_digits: 1,797 8x8 images, class counts, first and last rows', async () => {
    const ds = await expectNoLeaks(() => digits());
    const ref = reference.digits;
    expect(ds.size).toBe(ref.n);
    expect(ds.shape).toEqual([8, 8, 1]);
    expect(ds.numClasses).toBe(10);
    expect(ds.histogram()).toEqual(ref.histogram);
    expect(Array.from(ds.y.subarray(0, 10))).toEqual(ref.firstLabels);
    expect(Array.from(ds.x.subarray(0, 64))).toEqual(ref.row0);
    expect(Array.from(ds.x.subarray(1796 * 64))).toEqual(ref.row1796);
    expect(sum(ds.x)).toBe(ref.pixelSum);
  });
});

import { gzipSync } from 'node:zlib';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, it } from 'vitest';
import { parseCifar10 } from './cifar10';
import { crossValidationSplits } from './cross-validation-splits';
import { parseCsv } from './csv';
import { Dataset } from './dataset';
import { gunzip, maybeGunzip } from './gunzip';
import { parseIdx, readIdx } from './idx';
import { datasetFromIdx } from './idx-dataset';
import { kFold } from './k-fold';
import {
  fitPixelNormalization,
  pixelNormalization,
  pixelNormalizationFromJSON,
} from './pixel-normalization';
import { splitDataset } from './split';
import { stratifiedKFold } from './stratified-k-fold';
import { untar } from './tar';

// The typed-array functions create no tensors; these checks keep it that way.
describe('no tensor leaks in the typed-array API', () => {
  const idx = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 10, 20]);
  const lbl = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 0, 1]);

  it('parsers and gunzip', async () => {
    await expectNoLeaks(async () => {
      parseIdx(idx);
      await readIdx(new Uint8Array(gzipSync(idx)));
      await gunzip(new Uint8Array(gzipSync(idx)));
      await maybeGunzip(idx);
      parseCifar10(new Uint8Array(3073));
      parseCsv('1,0\n2,1\n');
      datasetFromIdx(parseIdx(idx), parseIdx(lbl));
      untar(new Uint8Array(1024));
    });
  });

  it('Dataset transforms, split and normalisation', async () => {
    const ds = new Dataset({ x: new Uint8Array([1, 2, 3, 4]), y: [0, 1, 0, 1], shape: [1] });
    await expectNoLeaks(() => {
      ds.subset([1, 0]);
      ds.shuffle(1);
      ds.histogram();
      const n = fitPixelNormalization(ds);
      ds.normalize(n);
      pixelNormalizationFromJSON(pixelNormalization({ mode: 'symmetric' }).toJSON()).apply([1, 2]);
      splitDataset(ds, { validation: 0.5, stratify: true });
    });
  });
});

describe('no tensor leaks in cross-validation', () => {
  it('kFold, stratifiedKFold and crossValidationSplits', async () => {
    const ds = new Dataset({
      x: new Uint8Array(12),
      y: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
      shape: [1],
    });
    await expectNoLeaks(() => {
      kFold(12, { k: 3, shuffle: true, rng: 1 });
      stratifiedKFold(ds.y, { k: 3, shuffle: true });
      for (const f of crossValidationSplits(ds, { k: 2, stratify: true })) f.train.histogram();
    });
  });
});

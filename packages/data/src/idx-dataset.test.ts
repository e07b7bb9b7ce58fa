import { describe, expect, it } from 'vitest';
import type { IdxArray } from './idx';
import { datasetFromIdx } from './idx-dataset';

const images: IdxArray = {
  dtype: 'uint8',
  dims: [3, 2, 2],
  data: new Uint8Array(12).map((_, i) => i),
};
const labels: IdxArray = { dtype: 'uint8', dims: [3], data: new Uint8Array([2, 0, 1]) };

describe('datasetFromIdx', () => {
  it('pairs images and labels into HWC examples', () => {
    const ds = datasetFromIdx(images, labels, { numClasses: 3, classNames: ['a', 'b', 'c'] });
    expect(ds.size).toBe(3);
    expect(ds.shape).toEqual([2, 2, 1]);
    expect(Array.from(ds.y)).toEqual([2, 0, 1]);
    expect(Array.from(ds.x.subarray(4, 8))).toEqual([4, 5, 6, 7]);
    expect(ds.classNames).toEqual(['a', 'b', 'c']);
  });

  it('keeps a channel axis of rank-4 images', () => {
    const rgb: IdxArray = { dtype: 'uint8', dims: [3, 1, 2, 2], data: new Uint8Array(12) };
    expect(datasetFromIdx(rgb, labels).shape).toEqual([1, 2, 2]);
  });

  it('rejects a label/image count mismatch naming both files', () => {
    const two: IdxArray = { dtype: 'uint8', dims: [2], data: new Uint8Array([0, 1]) };
    expect(() => datasetFromIdx(images, two, { imagesName: 'img', labelsName: 'lbl' })).toThrow(
      /^img \/ lbl: image and label counts differ; expected as many labels as images \(3\); received 2 labels/,
    );
  });

  it('rejects files of the wrong kind', () => {
    expect(() => datasetFromIdx(labels, labels, { imagesName: 'img' })).toThrow(
      /img: not an IDX image file/,
    );
    expect(() => datasetFromIdx(images, images, { labelsName: 'lbl' })).toThrow(
      /lbl: not an IDX label file/,
    );
    const f: IdxArray = { dtype: 'float32', dims: [3, 2, 2], data: new Float32Array(12) };
    expect(() => datasetFromIdx(f, labels)).toThrow(expect.objectContaining({ code: 'IO' }));
  });

  it('rejects labels outside [0, numClasses)', () => {
    expect(() => datasetFromIdx(images, labels, { numClasses: 2, labelsName: 'lbl' })).toThrow(
      /lbl: label 0 out of range; expected labels in \[0, 2\); received 2/,
    );
  });
});

import { IOError } from '@trainkit/core';
import { assertSameCount, Dataset } from './dataset';
import type { IdxArray } from './idx';

/**
 * Pairs an IDX image array (`[n, h, w]` or `[n, h, w, c]`, uint8) with an IDX label array
 * (`[n]`, uint8) into a {@link Dataset} with HWC examples. Count mismatch, wrong rank or dtype
 * -> `IOError` naming the files.
 *
 * @example
 * const ds = datasetFromIdx(await readIdx(imgBytes), await readIdx(lblBytes), { numClasses: 10 });
 */
export function datasetFromIdx(
  images: IdxArray,
  labels: IdxArray,
  options: {
    imagesName?: string;
    labelsName?: string;
    numClasses?: number;
    classNames?: readonly string[];
  } = {},
): Dataset {
  const imagesName = options.imagesName ?? 'images';
  const labelsName = options.labelsName ?? 'labels';
  if (images.dtype !== 'uint8' || (images.dims.length !== 3 && images.dims.length !== 4)) {
    throw new IOError('not an IDX image file', {
      argument: imagesName,
      expected: 'uint8 data with dims [n, h, w] or [n, h, w, c]',
      receivedText: `${images.dtype} dims [${images.dims.join(', ')}]`,
    });
  }
  if (labels.dtype !== 'uint8' || labels.dims.length !== 1) {
    throw new IOError('not an IDX label file', {
      argument: labelsName,
      expected: 'uint8 data with dims [n]',
      receivedText: `${labels.dtype} dims [${labels.dims.join(', ')}]`,
    });
  }
  assertSameCount(
    { name: imagesName, count: images.dims[0]! },
    { name: labelsName, count: labels.dims[0]! },
  );
  const [, h, w, c] = images.dims;
  const y = labels.data as Uint8Array;
  if (options.numClasses !== undefined) {
    const bad = y.findIndex((v) => v >= options.numClasses!);
    if (bad >= 0) {
      throw new IOError(`label ${bad} out of range`, {
        argument: labelsName,
        expected: `labels in [0, ${options.numClasses})`,
        received: y[bad],
      });
    }
  }
  return new Dataset({
    x: images.data as Uint8Array,
    y,
    shape: [h!, w!, c ?? 1],
    ...(options.numClasses === undefined ? {} : { numClasses: options.numClasses }),
    ...(options.classNames === undefined ? {} : { classNames: options.classNames }),
  });
}

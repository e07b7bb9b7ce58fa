import { fileURLToPath } from 'node:url';
import type { Dataset } from './dataset';
import { datasetFromIdx } from './idx-dataset';
import { FASHION_MNIST_CLASSES, type TrainTest } from './idx-datasets-node';
import { readCsvFile, readIdxFile } from './read-file-node';

// `assets/` sits beside `src/` and `dist/`, so one relative URL works from both.
function asset(name: string): string {
  return fileURLToPath(new URL(`../assets/${name}`, import.meta.url));
}

/**
 * The Fashion-MNIST subset shipped inside the package (no download): 2,000 train images (the
 * first 200 of each class in the official training file's order) and 500 test images (the first
 * 50 of each class in the test file), kept in file order; 28x28x1 uint8, 10 classes.
 * Zalando Research, MIT licence. Built by `scripts/make_assets.py`.
 *
 * @example
 * const { train, test } = await embeddedFashionMnist(); // train.size 2000, test.size 500
 */
export async function embeddedFashionMnist(): Promise<TrainTest> {
  const load = async (part: 'train' | 'test') => {
    const images = asset(`fashion-mnist-${part}-images-idx3-ubyte.gz`);
    const labels = asset(`fashion-mnist-${part}-labels-idx1-ubyte.gz`);
    return datasetFromIdx(await readIdxFile(images), await readIdxFile(labels), {
      imagesName: images,
      labelsName: labels,
      numClasses: 10,
      classNames: FASHION_MNIST_CLASSES,
    });
  };
  return { train: await load('train'), test: await load('test') };
}

/**
 * The UCI optical recognition of handwritten digits set as shipped by scikit-learn (CC BY 4.0):
 * 1,797 images of 8x8 pixels, values 0..16 (float32), shape `[8, 8, 1]`, labels 0..9.
 * Normalise with `pixelNormalization({ mode: 'unit', maxValue: 16 })`.
 *
 * @example
 * const ds = await digits(); // ds.size 1797
 */
export async function digits(): Promise<Dataset> {
  return readCsvFile(asset('digits.csv.gz'), {
    header: false,
    labelColumn: -1,
    shape: [8, 8, 1],
    numClasses: 10,
  });
}

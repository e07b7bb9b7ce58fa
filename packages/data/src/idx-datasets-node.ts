import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { IOError } from '@trainkit/core';
import { FASHION_MNIST_CLASSES } from './class-names';
import type { Dataset } from './dataset';
import { downloadFile } from './download-node';
import { datasetFromIdx } from './idx-dataset';
import { readIdxFile } from './read-file-node';

/** Options of {@link fashionMnist} and {@link mnist}. */
export interface IdxDatasetOptions {
  /** Folder holding the four files (`.gz` or not); searched first. */
  dir?: string;
  /**
   * Further folders to search after `dir`. Default: `$TRAINKIT_DATA/<name>`, `$TRAINKIT_DATA`,
   * `/usr/share/datasets/<name>` (Debian's `dataset-fashion-mnist`). Pass `[]` to search none.
   */
  searchDirs?: string[];
  /** Where downloads go (default `$TRAINKIT_CACHE/<name>` or `~/.cache/trainkit/<name>`). */
  cacheDir?: string;
  /** Download when no folder has the files (default `true`). */
  download?: boolean;
  /** Base URL of the files (default: the official source); tests point it at a closed port. */
  baseUrl?: string;
  /** Download timeout in ms (default 120,000). */
  timeoutMs?: number;
}

/** The train and test parts of a dataset. */
export interface TrainTest {
  train: Dataset;
  test: Dataset;
}

interface IdxSpec {
  name: string;
  baseUrl: string;
  classNames: readonly string[];
  /** file name (gzipped) -> sha256 */
  files: Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', [string, string]>;
}

export { FASHION_MNIST_CLASSES };

// Checksums of the official gzipped files as published.
const FASHION: IdxSpec = {
  name: 'fashion-mnist',
  baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  classNames: FASHION_MNIST_CLASSES,
  files: {
    trainImages: [
      'train-images-idx3-ubyte.gz',
      'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7',
    ],
    trainLabels: [
      'train-labels-idx1-ubyte.gz',
      '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056',
    ],
    testImages: [
      't10k-images-idx3-ubyte.gz',
      'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
    ],
    testLabels: [
      't10k-labels-idx1-ubyte.gz',
      '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
    ],
  },
};

// yann.lecun.com is often unreachable; Google's CVDF mirror serves the identical files.
const MNIST: IdxSpec = {
  name: 'mnist',
  baseUrl: 'https://storage.googleapis.com/cvdf-datasets/mnist/',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  files: {
    trainImages: [
      'train-images-idx3-ubyte.gz',
      '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
    ],
    trainLabels: [
      'train-labels-idx1-ubyte.gz',
      '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
    ],
    testImages: [
      't10k-images-idx3-ubyte.gz',
      '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
    ],
    testLabels: [
      't10k-labels-idx1-ubyte.gz',
      'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
    ],
  },
};

/**
 * Loads Fashion-MNIST (60,000 train + 10,000 test 28x28 grey images, 10 classes; Zalando
 * Research, MIT licence) from the first folder that has all four files — `dir`,
 * `$TRAINKIT_DATA`, `/usr/share/datasets/fashion-mnist` — else downloads them from the official
 * source into a cache with SHA-256 verification. Offline -> `IOError` saying where to put them.
 *
 * @example
 * const { train, test } = await fashionMnist({ dir: '../shared/data/fashion-mnist' });
 */
export function fashionMnist(options: IdxDatasetOptions = {}): Promise<TrainTest> {
  return loadIdxDataset(FASHION, options);
}

/**
 * Loads MNIST (LeCun, Cortes, Burges; CC BY-SA 3.0) like {@link fashionMnist}, downloading from
 * Google's CVDF mirror. All four files are needed; see {@link mnistTest} for the test set alone.
 *
 * @example const { train, test } = await mnist({ dir: 'data/mnist' });
 */
export function mnist(options: IdxDatasetOptions = {}): Promise<TrainTest> {
  return loadIdxDataset(MNIST, options);
}

/**
 * Loads only the MNIST test set (10,000 images) from a folder with the two `t10k-*` files.
 * @example const test = await mnistTest({ dir: '../shared/data/mnist-test' });
 */
export async function mnistTest(options: { dir: string }): Promise<Dataset> {
  const found = (key: 'testImages' | 'testLabels') => findFile(options.dir, MNIST.files[key][0]);
  const images = found('testImages');
  const labels = found('testLabels');
  if (!images || !labels) {
    throw new IOError('MNIST test files not found', {
      argument: options.dir,
      expected: 't10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz)',
    });
  }
  return readPair(images, labels, MNIST);
}

async function loadIdxDataset(spec: IdxSpec, options: IdxDatasetOptions): Promise<TrainTest> {
  const env = process.env.TRAINKIT_DATA;
  const search = options.searchDirs ?? [
    ...(env ? [join(env, spec.name), env] : []),
    `/usr/share/datasets/${spec.name}`,
  ];
  const cacheDir =
    options.cacheDir ??
    join(process.env.TRAINKIT_CACHE ?? join(homedir(), '.cache', 'trainkit'), spec.name);
  const dirs = [...(options.dir === undefined ? [] : [options.dir]), ...search, cacheDir];
  const keys = Object.keys(spec.files) as (keyof IdxSpec['files'])[];
  let paths: Record<string, string> | undefined;
  for (const d of dirs) {
    const found = keys.map((k) => findFile(d, spec.files[k][0]));
    if (found.every((p) => p !== undefined)) {
      paths = Object.fromEntries(keys.map((k, i) => [k, found[i]!]));
      break;
    }
  }
  if (!paths) {
    if (!(options.download ?? true)) {
      throw new IOError(`${spec.name} files not found and download is off`, {
        argument: 'dir',
        expected: `the four files (${keys.map((k) => spec.files[k][0]).join(', ')}) in one of: ${dirs.join(', ')}`,
      });
    }
    const base = options.baseUrl ?? spec.baseUrl;
    for (const k of keys) {
      const [file, sha256] = spec.files[k];
      const dest = join(cacheDir, file);
      if (existsSync(dest)) continue;
      await downloadFile(new URL(file, base.endsWith('/') ? base : `${base}/`).href, dest, {
        sha256,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    }
    paths = Object.fromEntries(keys.map((k) => [k, join(cacheDir, spec.files[k][0])]));
  }
  const train = await readPair(paths.trainImages!, paths.trainLabels!, spec);
  const test = await readPair(paths.testImages!, paths.testLabels!, spec);
  return { train, test };
}

async function readPair(imagesPath: string, labelsPath: string, spec: IdxSpec): Promise<Dataset> {
  return datasetFromIdx(await readIdxFile(imagesPath), await readIdxFile(labelsPath), {
    imagesName: imagesPath,
    labelsName: labelsPath,
    numClasses: 10,
    classNames: spec.classNames,
  });
}

/** `<dir>/<file>` when present, or the same without `.gz` (already decompressed). */
function findFile(dir: string, gzName: string): string | undefined {
  for (const name of [gzName, gzName.replace(/\.gz$/, '')]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IOError } from '@trainkit/core';
import { Dataset, datasetFromIdx, splitDataset } from '@trainkit/data';
import {
  digits,
  embeddedFashionMnist,
  fashionMnist,
  readCifar10File,
  readCsvFile,
  readIdxFile,
} from '@trainkit/data/node';

/** A dataset ready for training: train and test parts with their source described. */
export interface LoadedData {
  name: string;
  train: Dataset;
  test: Dataset;
  /** Largest raw pixel value (255 for bytes, 16 for the UCI digits). */
  maxValue: number;
}

/** The named datasets `--dataset` accepts besides a path. */
export const NAMED_DATASETS = ['embedded', 'fashion-mnist', 'digits'] as const;

/**
 * Loads `--dataset`: `embedded` (the Fashion-MNIST subset shipped in @trainkit/data),
 * `fashion-mnist` (the full set, from `dataDir`, `$TRAINKIT_DATA`, ./data or ../shared/data,
 * else downloaded), `digits` (UCI 8x8 digits, shipped), or a path: a folder of IDX files
 * (`*-images-idx3-ubyte[.gz]` + `*-labels-idx1-ubyte[.gz]`, train and t10k), a folder of CIFAR-10
 * binary batches, one CIFAR `.bin` file, or a numeric `.csv[.gz]` (label in the last column).
 * A source without a test part gets a stratified 20% test split (seeded).
 */
export async function loadDataset(
  spec: string,
  options: { dataDir?: string; seed?: number; csvShape?: number[] } = {},
): Promise<LoadedData> {
  const seed = options.seed ?? 0;
  if (spec === 'embedded') {
    const { train, test } = await embeddedFashionMnist();
    return { name: 'embedded Fashion-MNIST subset', train, test, maxValue: 255 };
  }
  if (spec === 'fashion-mnist') {
    const here = process.cwd();
    const searchDirs = [
      ...(process.env.TRAINKIT_DATA
        ? [join(process.env.TRAINKIT_DATA, 'fashion-mnist'), process.env.TRAINKIT_DATA]
        : []),
      join(here, 'data', 'fashion-mnist'),
      resolve(here, '..', 'shared', 'data', 'fashion-mnist'),
      '/usr/share/datasets/fashion-mnist',
    ];
    const { train, test } = await fashionMnist({
      ...(options.dataDir === undefined ? {} : { dir: options.dataDir }),
      searchDirs,
    });
    return { name: 'Fashion-MNIST', train, test, maxValue: 255 };
  }
  if (spec === 'digits') {
    return { name: 'UCI digits (8x8)', ...split(await digits(), seed), maxValue: 16 };
  }
  return loadPath(spec, seed, options.csvShape);
}

function split(all: Dataset, seed: number): { train: Dataset; test: Dataset } {
  const { train, validation } = splitDataset(all, { validation: 0.2, stratify: true, rng: seed });
  return { train, test: validation };
}

async function loadPath(path: string, seed: number, csvShape?: number[]): Promise<LoadedData> {
  if (!existsSync(path)) {
    throw new IOError('dataset not found', {
      argument: '--dataset',
      expected: `one of ${NAMED_DATASETS.join(', ')}, or an existing IDX/CIFAR folder, .bin or .csv file`,
      received: path,
    });
  }
  if (statSync(path).isDirectory()) return loadFolder(path, seed);
  const lower = path.toLowerCase();
  if (lower.endsWith('.bin')) {
    return { name: path, ...split(await readCifar10File(path), seed), maxValue: 255 };
  }
  if (lower.endsWith('.csv') || lower.endsWith('.csv.gz')) {
    const ds = await readCsvFile(path, {
      labelColumn: -1,
      ...(csvShape === undefined ? {} : { shape: csvShape }),
    });
    let max = 0;
    for (let i = 0; i < ds.x.length; i++) max = Math.max(max, ds.x[i] as number);
    return { name: path, ...split(ds, seed), maxValue: max > 0 ? max : 1 };
  }
  throw new IOError('unknown dataset file type', {
    argument: '--dataset',
    expected: 'a folder of IDX or CIFAR-10 files, a CIFAR-10 .bin file or a .csv[.gz] file',
    received: path,
  });
}

async function loadFolder(dir: string, seed: number): Promise<LoadedData> {
  const files = readdirSync(dir);
  const pick = (re: RegExp) => files.find((f) => re.test(f));
  const trainImages = pick(/^train-images-idx3-ubyte(\.gz)?$/);
  const trainLabels = pick(/^train-labels-idx1-ubyte(\.gz)?$/);
  const testImages = pick(/^t10k-images-idx3-ubyte(\.gz)?$/);
  const testLabels = pick(/^t10k-labels-idx1-ubyte(\.gz)?$/);
  const idx = async (images: string, labels: string) =>
    datasetFromIdx(await readIdxFile(join(dir, images)), await readIdxFile(join(dir, labels)), {
      imagesName: images,
      labelsName: labels,
    });
  if (trainImages && trainLabels) {
    const train = await idx(trainImages, trainLabels);
    const test = testImages && testLabels ? await idx(testImages, testLabels) : undefined;
    return {
      name: dir,
      ...(test ? { train, test } : split(train, seed)),
      maxValue: 255,
    };
  }
  if (testImages && testLabels) {
    return { name: dir, ...split(await idx(testImages, testLabels), seed), maxValue: 255 };
  }
  const bins = files.filter((f) => f.endsWith('.bin')).sort();
  if (bins.length > 0) {
    const testBins = bins.filter((f) => f.startsWith('test'));
    const trainBins = bins.filter((f) => !f.startsWith('test'));
    const read = async (names: string[]) => {
      const parts = await Promise.all(names.map((f) => readCifar10File(join(dir, f))));
      return parts.length === 1 ? (parts[0] as Dataset) : concat(parts);
    };
    if (trainBins.length > 0 && testBins.length > 0) {
      return { name: dir, train: await read(trainBins), test: await read(testBins), maxValue: 255 };
    }
    return { name: dir, ...split(await read(bins), seed), maxValue: 255 };
  }
  throw new IOError('no dataset files in folder', {
    argument: '--dataset',
    expected:
      'train-images-idx3-ubyte[.gz] + train-labels-idx1-ubyte[.gz] (and t10k-*), or CIFAR-10 .bin batches',
    received: dir,
  });
}

function concat(parts: Dataset[]): Dataset {
  const first = parts[0] as Dataset;
  const size = parts.reduce((s, p) => s + p.size, 0);
  const x = new Uint8Array(size * first.exampleSize);
  const y = new Int32Array(size);
  let at = 0;
  for (const p of parts) {
    x.set(p.x as ArrayLike<number>, at * first.exampleSize);
    y.set(p.y, at);
    at += p.size;
  }
  return new Dataset({
    x,
    y,
    shape: first.shape,
    numClasses: first.numClasses,
    ...(first.classNames ? { classNames: first.classNames } : {}),
  });
}

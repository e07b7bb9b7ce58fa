import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IOError } from '@trainkit/core';
import { Dataset } from './dataset';
import { readCifar10File } from './read-file-node';

/** Options of {@link cifar10}. */
export interface Cifar10Options {
  /** Folder holding the binary batches (or its `cifar-10-batches-bin/` subfolder). */
  dir: string;
  /** Training batch files, in order (default `data_batch_1.bin` .. `data_batch_5.bin`). */
  trainFiles?: string[];
  /** Test batch files (default `test_batch.bin`). */
  testFiles?: string[];
}

/**
 * Loads CIFAR-10 binary batches from a folder (Node): the official
 * `cifar-10-batches-bin` layout by default, or the files you name. Examples are uint8 NHWC
 * `[32, 32, 3]`. No download: fetch `cifar-10-binary.tar.gz` from
 * https://www.cs.toronto.edu/~kriz/cifar.html and unpack it; a missing file -> `IOError`.
 *
 * @example
 * const { train, test } = await cifar10({ dir: 'data/cifar10-subset', trainFiles: ['train_batch.bin'] });
 */
export async function cifar10(options: Cifar10Options): Promise<{ train: Dataset; test: Dataset }> {
  const trainFiles = options.trainFiles ?? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
  const testFiles = options.testFiles ?? ['test_batch.bin'];
  const nested = join(options.dir, 'cifar-10-batches-bin');
  const dir =
    !existsSync(join(options.dir, testFiles[0] ?? '')) && existsSync(nested) ? nested : options.dir;
  const missing = [...trainFiles, ...testFiles].filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new IOError(`CIFAR-10 files missing: ${missing.join(', ')}`, {
      argument: dir,
      expected:
        'the binary batches (download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and unpack it there)',
    });
  }
  const load = async (files: string[]) =>
    concat(await Promise.all(files.map((f) => readCifar10File(join(dir, f)))));
  return { train: await load(trainFiles), test: await load(testFiles) };
}

function concat(parts: Dataset[]): Dataset {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const x = new Uint8Array(parts.reduce((n, p) => n + p.x.length, 0));
  const y = new Int32Array(parts.reduce((n, p) => n + p.size, 0));
  let ox = 0;
  let oy = 0;
  for (const p of parts) {
    x.set(p.x, ox);
    y.set(p.y, oy);
    ox += p.x.length;
    oy += p.size;
  }
  return new Dataset({
    x,
    y,
    shape: first.shape,
    numClasses: 10,
    ...(first.classNames ? { classNames: first.classNames } : {}),
  });
}

import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { IOError } from '@trainkit/core';
import { Dataset } from './dataset';
import { downloadFile } from './download-node';
import { readCifar10File, readFileBytes } from './read-file-node';
import { untar } from './tar';

/** Options of {@link cifar10}. */
export interface Cifar10Options {
  /** Folder holding the binary batches (or its `cifar-10-batches-bin/` subfolder); searched first. */
  dir?: string;
  /** Training batch files, in order (default `data_batch_1.bin` .. `data_batch_5.bin`). */
  trainFiles?: string[];
  /** Test batch files (default `test_batch.bin`). */
  testFiles?: string[];
  /** Where the download is unpacked (default `$TRAINKIT_CACHE/cifar10` or `~/.cache/trainkit/cifar10`). */
  cacheDir?: string;
  /** Download when no folder has the files (default `true`). */
  download?: boolean;
  /** The archive's URL (default: the official `cifar-10-binary.tar.gz`). */
  url?: string;
  /** Expected MD5 of the archive (default: the one the official page publishes). */
  md5?: string;
  /** Download timeout in ms (default 600,000: the archive is 162 MB). */
  timeoutMs?: number;
}

const URL_OFFICIAL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
const MD5_OFFICIAL = 'c32a1d4ab5d03f1284b67883e8d87530';

/**
 * Loads CIFAR-10 binary batches (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html)
 * from `dir` (official `cifar-10-batches-bin` names by default, or the files you name), else from
 * the cache, else downloads the official archive (MD5-checked, as the page publishes only MD5)
 * and unpacks it into the cache. Examples are uint8 NHWC `[32, 32, 3]`. Missing files with
 * `download: false`, or offline -> `IOError`.
 *
 * @example
 * const { train, test } = await cifar10({ dir: 'data/cifar10-subset', trainFiles: ['train_batch.bin'] });
 */
export async function cifar10(
  options: Cifar10Options = {},
): Promise<{ train: Dataset; test: Dataset }> {
  const trainFiles = options.trainFiles ?? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
  const testFiles = options.testFiles ?? ['test_batch.bin'];
  const files = [...trainFiles, ...testFiles];
  const cacheDir =
    options.cacheDir ??
    join(process.env.TRAINKIT_CACHE ?? join(homedir(), '.cache', 'trainkit'), 'cifar10');
  const candidates = [
    ...(options.dir === undefined ? [] : [options.dir, join(options.dir, 'cifar-10-batches-bin')]),
    join(cacheDir, 'cifar-10-batches-bin'),
  ];
  let dir = candidates.find((d) => files.every((f) => existsSync(join(d, f))));
  if (dir === undefined && (options.download ?? true)) {
    await downloadAndUnpack(options, cacheDir);
    dir = candidates.find((d) => files.every((f) => existsSync(join(d, f))));
  }
  if (dir === undefined) {
    const where = candidates[0]!;
    const missing = files.filter((f) => !existsSync(join(where, f)));
    throw new IOError(`CIFAR-10 files missing: ${missing.join(', ')}`, {
      argument: where,
      expected: `the binary batches in one of: ${candidates.join(', ')} (or allow the download of ${URL_OFFICIAL})`,
    });
  }
  const found = dir;
  const load = async (names: string[]) =>
    concat(await Promise.all(names.map((f) => readCifar10File(join(found, f)))));
  return { train: await load(trainFiles), test: await load(testFiles) };
}

async function downloadAndUnpack(options: Cifar10Options, cacheDir: string): Promise<void> {
  const url = options.url ?? URL_OFFICIAL;
  const archive = join(cacheDir, 'cifar-10-binary.tar.gz');
  await downloadFile(url, archive, {
    md5: options.md5 ?? MD5_OFFICIAL,
    timeoutMs: options.timeoutMs ?? 600_000,
  });
  const entries = untar(await readFileBytes(archive), { name: archive });
  const out = join(cacheDir, 'cifar-10-batches-bin');
  await mkdir(out, { recursive: true });
  for (const e of entries) {
    if (/\.(bin|txt)$/.test(e.name)) await writeFile(join(out, basename(e.name)), e.data);
  }
  await rm(archive, { force: true });
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

import { readFile } from 'node:fs/promises';
import { IOError } from '@trainkit/core';
import { parseCifar10 } from './cifar10';
import { type CsvOptions, parseCsv } from './csv';
import type { Dataset } from './dataset';
import { maybeGunzip } from './gunzip';
import { type IdxArray, readIdx } from './idx';

/** Reads a whole file as bytes, gunzipping gzip content; a missing/unreadable file -> `IOError`. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new IOError(`cannot read file (${(cause as NodeJS.ErrnoException).code ?? cause})`, {
      argument: path,
      cause,
    });
  }
  return maybeGunzip(raw, { name: path });
}

/**
 * Reads an IDX file (`.gz` or not) from disk (Node).
 * @example const labels = await readIdxFile('data/t10k-labels-idx1-ubyte.gz'); // dims [10000]
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  return readIdx(await readFileBytes(path), { name: path });
}

/**
 * Reads a CIFAR-10 binary batch from disk (Node).
 * @example const test = await readCifar10File('cifar-10-batches-bin/test_batch.bin');
 */
export async function readCifar10File(path: string): Promise<Dataset> {
  return parseCifar10(await readFileBytes(path), { name: path });
}

/**
 * Reads a numeric CSV file (`.gz` or not) from disk (Node); see {@link parseCsv}.
 * @example const ds = await readCsvFile('iris.csv', { labelColumn: 'species' });
 */
export async function readCsvFile(
  path: string,
  options: Omit<CsvOptions, 'name'> = {},
): Promise<Dataset> {
  const text = new TextDecoder().decode(await readFileBytes(path));
  return parseCsv(text, { ...options, name: path });
}

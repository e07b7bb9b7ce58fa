import { IOError } from '@trainkit/core';
import { describeStart, maybeGunzip } from './gunzip';

/** The element types an IDX file can hold, by their type code (third magic byte). */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A decoded IDX array: row-major `data` of `dims`. */
export interface IdxArray {
  dtype: IdxDType;
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

// IDX format (LeCun et al., http://yann.lecun.com/exdb/mnist/): magic = 0x00 0x00 <type> <ndim>,
// then ndim big-endian uint32 sizes, then the data, big-endian, row-major.
const TYPES: Record<number, { dtype: IdxDType; size: number }> = {
  8: { dtype: 'uint8', size: 1 },
  9: { dtype: 'int8', size: 1 },
  11: { dtype: 'int16', size: 2 },
  12: { dtype: 'int32', size: 4 },
  13: { dtype: 'float32', size: 4 },
  14: { dtype: 'float64', size: 8 },
};

/**
 * Parses uncompressed IDX bytes. Wrong magic, unknown type code, truncated data or trailing
 * bytes -> `IOError` naming `name` (the file) and what was wrong.
 *
 * @example
 * const { dims, data } = parseIdx(bytes, { name: 'train-labels-idx1-ubyte' }); // dims [60000]
 */
export function parseIdx(bytes: Uint8Array, options: { name?: string } = {}): IdxArray {
  const name = options.name ?? 'idx';
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new IOError('is gzip-compressed; use readIdx (which gunzips) or gunzip it first', {
      argument: name,
    });
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IOError('wrong magic number', {
      argument: name,
      expected: 'an IDX file starting 00 00 <type> <ndim>',
      receivedText: describeStart(bytes),
    });
  }
  const type = TYPES[bytes[2]!];
  if (!type) {
    throw new IOError('unknown IDX type code', {
      argument: name,
      expected: 'one of 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e',
      receivedText: `0x${bytes[2]!.toString(16).padStart(2, '0')}`,
    });
  }
  const ndim = bytes[3]!;
  if (ndim === 0) {
    throw new IOError('IDX header has zero dimensions', { argument: name, expected: 'ndim >= 1' });
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new IOError('truncated IDX header', {
      argument: name,
      expected: `at least ${headerBytes} bytes for ${ndim} dimensions`,
      receivedText: `${bytes.length} bytes`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expectedBytes = headerBytes + count * type.size;
  if (bytes.length !== expectedBytes) {
    throw new IOError(
      bytes.length < expectedBytes ? 'truncated IDX data' : 'trailing bytes after IDX data',
      {
        argument: name,
        expected: `${expectedBytes} bytes (header ${headerBytes} + ${count} x ${type.size}-byte ${type.dtype} for dims [${dims.join(', ')}])`,
        receivedText: `${bytes.length} bytes`,
      },
    );
  }
  return { dtype: type.dtype, dims, data: readBigEndian(view, headerBytes, count, type.dtype) };
}

/**
 * Parses IDX bytes that may be gzip-compressed (`.gz`, as MNIST is published).
 * @example const images = await readIdx(bytes, { name: 't10k-images-idx3-ubyte.gz' });
 */
export async function readIdx(
  bytes: Uint8Array,
  options: { name?: string } = {},
): Promise<IdxArray> {
  return parseIdx(await maybeGunzip(bytes, options), options);
}

function readBigEndian(
  view: DataView,
  offset: number,
  n: number,
  dtype: IdxDType,
): IdxArray['data'] {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(
        view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + n),
      );
    case 'int8':
      return new Int8Array(
        view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + n),
      );
    case 'int16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    default: {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

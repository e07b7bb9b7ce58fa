import { gzipSync } from 'node:zlib';
import { isTrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { parseIdx, readIdx } from './idx';

// A 2x3 uint8 IDX file, written byte by byte from the format description.
const UBYTE_2x3 = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]);

function expectIO(fn: () => unknown, pattern: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(isTrainkitError(e, 'IO')).toBe(true);
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected an IOError');
}

describe('parseIdx', () => {
  it('reads dims and uint8 data', () => {
    const a = parseIdx(UBYTE_2x3);
    expect(a.dtype).toBe('uint8');
    expect(a.dims).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 255]);
  });

  it('reads big-endian int8, int16, int32, float32 and float64', () => {
    const h = (code: number, n: number) => [0, 0, code, 1, 0, 0, 0, n];
    expect(Array.from(parseIdx(new Uint8Array([...h(0x09, 2), 0xff, 0x7f])).data)).toEqual([
      -1, 127,
    ]);
    expect(
      Array.from(parseIdx(new Uint8Array([...h(0x0b, 2), 0x01, 0x02, 0xff, 0xfe])).data),
    ).toEqual([258, -2]);
    expect(
      Array.from(parseIdx(new Uint8Array([...h(0x0c, 1), 0x00, 0x01, 0x00, 0x00])).data),
    ).toEqual([65536]);
    // 1.5 = 0x3fc00000 (float32), -2 = 0xc000000000000000 (float64)
    expect(Array.from(parseIdx(new Uint8Array([...h(0x0d, 1), 0x3f, 0xc0, 0, 0])).data)).toEqual([
      1.5,
    ]);
    expect(
      Array.from(parseIdx(new Uint8Array([...h(0x0e, 1), 0xc0, 0, 0, 0, 0, 0, 0, 0])).data),
    ).toEqual([-2]);
  });

  it('rejects a wrong magic number, naming the file', () => {
    expectIO(
      () => parseIdx(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), { name: 'f.zip' }),
      /^f\.zip: wrong magic number; expected an IDX file starting 00 00 <type> <ndim>; received 6 bytes starting 50 4b 03 04/,
    );
    expectIO(() => parseIdx(new Uint8Array([0, 0])), /wrong magic number/);
  });

  it('rejects an unknown type code', () => {
    expectIO(
      () => parseIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0])),
      /unknown IDX type code.*received 0x0a/,
    );
  });

  it('rejects zero dimensions and a truncated header', () => {
    expectIO(() => parseIdx(new Uint8Array([0, 0, 8, 0])), /zero dimensions/);
    expectIO(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1])), /truncated IDX header/);
  });

  it('rejects truncated data and trailing bytes with the expected size', () => {
    expectIO(
      () => parseIdx(UBYTE_2x3.subarray(0, 17), { name: 'short' }),
      /^short: truncated IDX data; expected 18 bytes .*dims \[2, 3\].*received 17 bytes/,
    );
    expectIO(() => parseIdx(new Uint8Array([...UBYTE_2x3, 0])), /trailing bytes after IDX data/);
  });

  it('tells the caller to gunzip gzip input', () => {
    expectIO(
      () => parseIdx(new Uint8Array(gzipSync(UBYTE_2x3)), { name: 'a.gz' }),
      /a\.gz: is gzip-compressed/,
    );
  });

  it('parses a view into a larger buffer (byteOffset honoured)', () => {
    const big = new Uint8Array(UBYTE_2x3.length + 5);
    big.set(UBYTE_2x3, 5);
    expect(Array.from(parseIdx(big.subarray(5)).data)).toEqual([1, 2, 3, 4, 5, 255]);
  });
});

describe('readIdx', () => {
  it('gunzips then parses', async () => {
    const a = await readIdx(new Uint8Array(gzipSync(UBYTE_2x3)));
    expect(a.dims).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 255]);
  });

  it('reads uncompressed bytes too', async () => {
    expect((await readIdx(UBYTE_2x3)).dims).toEqual([2, 3]);
  });

  it('fails with IOError on a truncated gzip stream', async () => {
    const gz = new Uint8Array(gzipSync(UBYTE_2x3));
    await expect(readIdx(gz.subarray(0, gz.length - 4), { name: 'cut.gz' })).rejects.toMatchObject({
      code: 'IO',
    });
  });
});

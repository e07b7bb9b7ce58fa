// Moved here with the encoder from @trainkit/core (png.test.ts), @trainkit/monitors (png.test.ts)
// and @trainkit/hpo (plots-png.test.ts, 'PNG encoder'); the assertions are theirs.
import { deflateSync, inflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { Rng } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { adler32, crc32, reflectedCrc32 } from './checksums';
import { encodePng } from './png';
import { zlibFixed, zlibStored } from './zlib';

const nodeDeflate = (b: Uint8Array): Uint8Array => new Uint8Array(deflateSync(b));

// Reads IHDR and the inflated scanlines with node:zlib: an independent decoder.
function decode(png: Uint8Array) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let o = 8;
  const chunks: Record<string, Uint8Array> = {};
  const types: string[] = [];
  const idat: Uint8Array[] = [];
  while (o < png.length) {
    const len = dv.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const body = png.subarray(o + 8, o + 8 + len);
    // each chunk's CRC covers type + data
    expect(dv.getUint32(o + 8 + len)).toBe(zlibCrc32(png.subarray(o + 4, o + 8 + len)));
    chunks[type] = body;
    types.push(type);
    if (type === 'IDAT') idat.push(body);
    o += 12 + len;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const ihdr = new DataView(chunks.IHDR!.buffer, chunks.IHDR!.byteOffset, 13);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  const colourType = chunks.IHDR![9]!;
  // bit depth 8, compression 0, filter method 0, no interlace
  expect([chunks.IHDR![8], chunks.IHDR![10], chunks.IHDR![11], chunks.IHDR![12]]).toEqual([
    8, 0, 0, 0,
  ]);
  const raw = new Uint8Array(inflateSync(Buffer.concat(idat)));
  const channels = colourType === 6 ? 4 : 3;
  const stride = width * channels + 1;
  expect(raw.length).toBe(stride * height);
  for (let y = 0; y < height; y++) expect(raw[y * stride]).toBe(0); // filter None
  const px = (x: number, y: number) => {
    const p = y * stride + 1 + x * channels;
    return Array.from(raw.subarray(p, p + channels));
  };
  return { width, height, colourType, raw, px };
}

describe('checksums', () => {
  it('crc32 and adler32 give the published check values', () => {
    const ascii = new TextEncoder().encode('123456789');
    expect(crc32(ascii)).toBe(0xcbf43926);
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
  });

  it('reflectedCrc32 with the Castagnoli polynomial gives CRC-32C, and continues a CRC', () => {
    const ascii = new TextEncoder().encode('123456789');
    expect(reflectedCrc32(0x82f63b78)(ascii)).toBe(0xe3069283);
    expect(crc32(ascii.subarray(4), crc32(ascii.subarray(0, 4)))).toBe(0xcbf43926);
    expect(crc32(ascii)).toBe(zlibCrc32(ascii));
  });
});

describe('zlib streams', () => {
  it('stores zlib streams any inflater reads', () => {
    const data = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 251);
    expect(new Uint8Array(inflateSync(zlibStored(data)))).toEqual(data);
    const big = new Uint8Array(150_000).map((_, i) => (i * 7) % 251);
    expect(new Uint8Array(inflateSync(zlibStored(big)))).toEqual(big);
    expect(new Uint8Array(inflateSync(zlibStored(new Uint8Array(0))))).toEqual(new Uint8Array(0));
  });

  it('fixed-Huffman streams node:zlib inflates exactly', () => {
    const rng = new Rng(1);
    // runs, repeats one and many bytes back, random bytes, lengths around the 3/258 limits
    const parts: number[] = [];
    for (let k = 0; k < 200; k++) {
      const kind = rng.int(0, 3);
      const len = [0, 1, 2, 3, 4, 257, 258, 259, 600][rng.int(0, 9)]!;
      if (kind === 0) parts.push(...new Array(len).fill(rng.int(0, 256)));
      else if (kind === 1) for (let i = 0; i < len; i++) parts.push(rng.int(0, 256));
      else for (let i = 0; i < len && parts.length > 40; i++) parts.push(parts[parts.length - 37]!);
    }
    const data = Uint8Array.from(parts);
    expect(new Uint8Array(inflateSync(zlibFixed(data, [1, 3, 37])))).toEqual(data);
    expect(new Uint8Array(inflateSync(zlibFixed(new Uint8Array(0))))).toEqual(new Uint8Array(0));
  });
});

describe('encodePng', () => {
  it('encodes RGB (colour type 2) and RGBA (6) rows behind a filter byte', () => {
    const rgb = Uint8Array.of(1, 2, 3, 4, 5, 6);
    const a = decode(encodePng({ width: 2, height: 1, data: rgb, channels: 3 }));
    expect([a.width, a.height, a.colourType]).toEqual([2, 1, 2]);
    expect(Array.from(a.raw)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const rgba = Uint8Array.of(9, 8, 7, 6, 5, 4, 3, 2);
    const b = decode(encodePng({ width: 1, height: 2, data: rgba }));
    expect([b.width, b.height, b.colourType]).toEqual([1, 2, 6]);
    expect(Array.from(b.raw)).toEqual([0, 9, 8, 7, 6, 0, 5, 4, 3, 2]);
  });

  it('encodes RGBA pixels that decode back exactly (default, stored and node:zlib)', () => {
    const w = 3;
    const h = 2;
    const data = new Uint8Array(w * h * 4).map((_, i) => i * 10);
    for (const deflate of [undefined, zlibStored, nodeDeflate]) {
      const png = encodePng({ width: w, height: h, data }, deflate ? { deflate } : {});
      const { raw } = decode(png);
      expect(raw.length).toBe(h * (w * 4 + 1));
      expect(raw[0]).toBe(0);
      expect(raw.subarray(1, 13)).toEqual(data.subarray(0, 12));
      expect(raw.subarray(14, 26)).toEqual(data.subarray(12, 24));
    }
  });

  it('round-trips an RGB image, pixel for pixel', () => {
    const w = 7;
    const h = 5;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
    const img = decode(encodePng({ width: w, height: h, data, channels: 3 }));
    expect([img.width, img.height]).toEqual([7, 5]);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const p = (y * w + x) * 3;
        expect(img.px(x, y)).toEqual([data[p], data[p + 1], data[p + 2]]);
      }
    // another zlib compressor plugs in
    expect(
      decode(encodePng({ width: w, height: h, data, channels: 3 }, { deflate: deflateSync })).px(
        3,
        2,
      ),
    ).toEqual(img.px(3, 2));
  });

  it('compresses flat images by default (fixed Huffman, a pixel and a row back)', () => {
    const data = new Uint8Array(200 * 100 * 4).fill(255);
    const png = encodePng({ width: 200, height: 100, data });
    expect(decode(png).px(150, 80)).toEqual([255, 255, 255, 255]);
    expect(png.length).toBeLessThan(data.length / 20);
    expect(encodePng({ width: 200, height: 100, data }, { deflate: zlibStored }).length).toBe(
      8 + 25 + 12 + (2 + 100 * 801 + 2 * 5 + 4) + 12, // signature, IHDR, IDAT, IEND
    );
  });

  it('names image.data when the buffer does not fit the size', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(12) })).toThrow(
      expect.objectContaining({ argument: 'image.data', code: 'SHAPE' }),
    );
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(3) })).toThrow(
      /width\*height\*4 = 16/,
    );
    expect(() =>
      encodePng({ width: 1, height: 1, data: new Uint8Array(2), channels: 2 as never }),
    ).toThrow(expect.objectContaining({ argument: 'image.channels', code: 'SHAPE' }));
    expect(() => encodePng({ width: 0, height: 1, data: new Uint8Array(0) })).toThrow(
      expect.objectContaining({ argument: 'image.width', code: 'RANGE' }),
    );
    expect(() =>
      encodePng({ width: 1, height: 1, data: [1, 2, 3, 4] as unknown as Uint8Array }),
    ).toThrow(expect.objectContaining({ argument: 'image.data' }));
  });
});

import { inflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, crc32, encodePng, zlibStored } from './png';

// Reads IHDR and the inflated scanlines with node:zlib: an independent decoder.
function decode(png: Uint8Array) {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let o = 8;
  const chunks: Record<string, Uint8Array> = {};
  while (o < png.length) {
    const len = dv.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const body = png.subarray(o + 8, o + 8 + len);
    expect(dv.getUint32(o + 8 + len)).toBe(zlibCrc32(png.subarray(o + 4, o + 8 + len)));
    chunks[type] = body;
    o += 12 + len;
  }
  const ihdr = new DataView(chunks.IHDR!.buffer, chunks.IHDR!.byteOffset, 13);
  return {
    width: ihdr.getUint32(0),
    height: ihdr.getUint32(4),
    colourType: chunks.IHDR![9],
    raw: new Uint8Array(inflateSync(chunks.IDAT!)),
  };
}

describe('png', () => {
  it('crc32 and adler32 give the published check values', () => {
    const ascii = new TextEncoder().encode('123456789');
    expect(crc32(ascii)).toBe(0xcbf43926);
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
  });

  it('stores zlib streams any inflater reads', () => {
    const data = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 251);
    expect(new Uint8Array(inflateSync(zlibStored(data)))).toEqual(data);
  });

  it('encodes RGB (colour type 2) and RGBA (6) rows behind a filter byte', () => {
    const rgb = Uint8Array.of(1, 2, 3, 4, 5, 6);
    const a = decode(encodePng({ width: 2, height: 1, data: rgb }, { channels: 3 }));
    expect([a.width, a.height, a.colourType]).toEqual([2, 1, 2]);
    expect(Array.from(a.raw)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const rgba = Uint8Array.of(9, 8, 7, 6, 5, 4, 3, 2);
    const b = decode(encodePng({ width: 1, height: 2, data: rgba }));
    expect([b.width, b.height, b.colourType]).toEqual([1, 2, 6]);
    expect(Array.from(b.raw)).toEqual([0, 9, 8, 7, 6, 0, 5, 4, 3, 2]);
  });

  it('names image.data when the buffer does not fit the size', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(12) })).toThrow(
      expect.objectContaining({ argument: 'image.data', code: 'SHAPE' }),
    );
  });
});

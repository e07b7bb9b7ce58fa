import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { nodeDeflate } from './node';
import { crc32, encodePng, zlibStored } from './png';

function idat(png: Uint8Array): Uint8Array {
  const dv = new DataView(png.buffer, png.byteOffset);
  let o = 8;
  const parts: Uint8Array[] = [];
  while (o < png.length) {
    const len = dv.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    // each chunk's CRC covers type + data
    expect(dv.getUint32(o + 8 + len)).toBe(crc32(png.subarray(o + 4, o + 8 + len)));
    if (type === 'IDAT') parts.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  return Buffer.concat(parts);
}

describe('PNG encoding', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes stored-deflate zlib streams that zlib inflates back', () => {
    const data = new Uint8Array(150_000).map((_, i) => (i * 7) % 251);
    expect(new Uint8Array(inflateSync(zlibStored(data)))).toEqual(data);
  });

  it('encodes RGBA pixels that decode back exactly (stored and compressed)', () => {
    const w = 3;
    const h = 2;
    const data = new Uint8Array(w * h * 4).map((_, i) => i * 10);
    for (const deflate of [undefined, nodeDeflate]) {
      const png = encodePng({ width: w, height: h, data }, deflate);
      expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
      const raw = new Uint8Array(inflateSync(idat(png)));
      expect(raw.length).toBe(h * (w * 4 + 1));
      expect(raw[0]).toBe(0);
      expect(raw.subarray(1, 13)).toEqual(data.subarray(0, 12));
      expect(raw.subarray(14, 26)).toEqual(data.subarray(12, 24));
    }
  });

  it('rejects pixel buffers of the wrong size', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(3) })).toThrow(
      /width\*height\*4 = 16/,
    );
  });
});

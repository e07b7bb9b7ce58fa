// A small PNG encoder that runs in Node and in the browser (no node:zlib): 8-bit RGB, filter
// None, and a zlib stream compressed with fixed-Huffman deflate (RFC 1951, 3.2.6) whose LZ77
// only looks one pixel back and one row up, which is what flat-coloured plots repeat.

import { adler32, encodePng as encodeCorePng } from '@trainkit/core';

export { crc32 } from '@trainkit/core';

/** An 8-bit RGB image, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

class BitWriter {
  private out: number[] = [];
  private acc = 0;
  private n = 0;
  /** `len` bits of `value`, least significant first (deflate's order for extra bits). */
  bits(value: number, len: number): void {
    for (let i = 0; i < len; i++) {
      this.acc |= ((value >>> i) & 1) << this.n;
      if (++this.n === 8) {
        this.out.push(this.acc);
        this.acc = 0;
        this.n = 0;
      }
    }
  }
  /** A Huffman code, most significant bit first. */
  code(value: number, len: number): void {
    for (let i = len - 1; i >= 0; i--) this.bits((value >>> i) & 1, 1);
  }
  finish(): Uint8Array {
    if (this.n > 0) this.out.push(this.acc);
    return Uint8Array.from(this.out);
  }
}

const LEN_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
];
const LEN_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];

// Fixed literal/length code (RFC 1951, 3.2.6).
function literal(w: BitWriter, v: number): void {
  if (v < 144) w.code(0x30 + v, 8);
  else if (v < 256) w.code(0x190 + v - 144, 9);
  else if (v < 280) w.code(v - 256, 7);
  else w.code(0xc0 + v - 280, 8);
}
const lastIndexAtMost = (table: number[], v: number) => {
  let i = table.length - 1;
  while (table[i]! > v) i--;
  return i;
};

/**
 * A zlib stream (RFC 1950) of `data`: one fixed-Huffman deflate block, greedy matches at the
 * given distances only (e.g. one pixel and one row back).
 */
export function zlibFixed(data: Uint8Array, distances: number[] = [1]): Uint8Array {
  const w = new BitWriter();
  w.bits(1, 1); // BFINAL
  w.bits(1, 2); // BTYPE = 01, fixed Huffman
  let i = 0;
  while (i < data.length) {
    let bestLen = 0;
    let bestDist = 0;
    for (const d of distances) {
      if (d > i || d > 32768) continue;
      let len = 0;
      while (len < 258 && i + len < data.length && data[i + len] === data[i + len - d]) len++;
      if (len > bestLen) {
        bestLen = len;
        bestDist = d;
      }
    }
    if (bestLen >= 3) {
      const li = lastIndexAtMost(LEN_BASE, bestLen);
      literal(w, 257 + li);
      w.bits(bestLen - LEN_BASE[li]!, LEN_EXTRA[li]!);
      const di = lastIndexAtMost(DIST_BASE, bestDist);
      w.code(di, 5);
      w.bits(bestDist - DIST_BASE[di]!, DIST_EXTRA[di]!);
      i += bestLen;
    } else {
      literal(w, data[i]!);
      i++;
    }
  }
  literal(w, 256); // end of block
  const body = w.finish();
  const out = new Uint8Array(body.length + 6);
  out[0] = 0x78; // deflate, 32K window
  out[1] = 0x01; // no preset dictionary, fastest; (0x78 * 256 + 0x01) % 31 === 0
  out.set(body, 2);
  const adler = adler32(data);
  out[out.length - 4] = adler >>> 24;
  out[out.length - 3] = (adler >>> 16) & 0xff;
  out[out.length - 2] = (adler >>> 8) & 0xff;
  out[out.length - 1] = adler & 0xff;
  return out;
}

/**
 * PNG bytes of an RGB image. `deflate` may replace the built-in compressor with any zlib-format
 * one (e.g. node:zlib's `deflateSync`) for smaller files.
 */
export function encodePng(
  image: RgbImage,
  options: { deflate?: (raw: Uint8Array) => Uint8Array } = {},
): Uint8Array {
  const stride = image.width * 3 + 1;
  return encodeCorePng(image, {
    channels: 3,
    deflate: options.deflate ?? ((raw) => zlibFixed(raw, [3, 1, stride])),
  });
}

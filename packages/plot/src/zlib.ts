// zlib streams (RFC 1950) for PNG's IDAT without node:zlib: stored blocks, or one fixed-Huffman
// deflate block (RFC 1951, 3.2.6) whose LZ77 only looks a few chosen distances back (one pixel,
// one row), which is what flat-coloured plots repeat.
import { adler32 } from './checksums';

/** A deflate compressor writing the zlib format (RFC 1950), e.g. Node's `zlib.deflateSync`. */
export type Deflate = (data: Uint8Array) => Uint8Array;

function withAdler(out: Uint8Array, data: Uint8Array): Uint8Array {
  const ad = adler32(data);
  const o = out.length - 4;
  out[o] = ad >>> 24;
  out[o + 1] = (ad >>> 16) & 0xff;
  out[o + 2] = (ad >>> 8) & 0xff;
  out[o + 3] = ad & 0xff;
  return out;
}

/**
 * A zlib stream of stored (uncompressed) deflate blocks: valid everywhere, no compression.
 * @example encodePng(image, { deflate: zlibStored })
 */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + data.length + blocks * 5 + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, data.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0;
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), o);
    o += len;
  }
  return withAdler(out, data);
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
 * A zlib stream of `data`: one fixed-Huffman deflate block, greedy matches at the given
 * distances only (e.g. one pixel and one row back). The PNG encoder's default compressor.
 * @example zlibFixed(rows, [4, 1, width * 4 + 1]) // RGBA: a pixel back, a byte back, a row up
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
  return withAdler(out, data);
}

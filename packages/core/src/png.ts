// PNG encoding shared by the packages that draw images (monitors' filters and loss curves, hpo's
// study plots): works in Node and in browsers, no node:zlib needed.
import { ShapeError } from './errors';

/** An 8-bit image, row-major: RGBA (4 bytes a pixel) or RGB (3 bytes a pixel). */
export interface PngImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A deflate (zlib format) compressor, e.g. Node's `zlib.deflateSync`. */
export type Deflate = (data: Uint8Array) => Uint8Array;

/**
 * A table-driven reflected CRC-32 for `polynomial` (reversed bit order), with the usual
 * all-ones initial value and final inversion; `crc` continues a previous value.
 */
export function reflectedCrc32(polynomial: number): (bytes: Uint8Array, crc?: number) => number {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return (bytes, crc = 0) => {
    let c = ~crc >>> 0;
    for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
    return ~c >>> 0;
  };
}

/** CRC-32 (ISO 3309 / PNG / zlib polynomial 0xEDB88320). */
export const crc32 = reflectedCrc32(0xedb88320);

/** Adler-32 (RFC 1950), the zlib stream's checksum. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]!) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream of stored (uncompressed) deflate blocks: valid everywhere, no compressor needed. */
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
  const ad = adler32(data);
  out[o++] = ad >>> 24;
  out[o++] = (ad >>> 16) & 0xff;
  out[o++] = (ad >>> 8) & 0xff;
  out[o++] = ad & 0xff;
  return out;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  dv.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/**
 * Encodes an 8-bit image as PNG (W3C PNG spec: IHDR, IDAT, IEND; filter 0 on every row), RGBA
 * or RGB by `channels`. Without `deflate` the image data is stored uncompressed, which every PNG
 * reader accepts.
 * @example encodePng({ width: 1, height: 1, data: Uint8Array.of(255, 0, 0, 255) })
 */
export function encodePng(
  image: PngImage,
  options: { deflate?: Deflate; channels?: 3 | 4 } = {},
): Uint8Array {
  const { width, height, data } = image;
  const channels = options.channels ?? 4;
  if (data.length !== width * height * channels) {
    throw new ShapeError('pixel buffer of the wrong size', {
      argument: 'image.data',
      expected: `width*height*${channels} = ${width * height * channels} bytes`,
      received: data.length,
    });
  }
  const stride = width * channels + 1;
  const raw = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // filter None
    raw.set(data.subarray(y * width * channels, (y + 1) * width * channels), y * stride + 1);
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type RGBA / RGB
  const sig = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
  const parts = [
    sig,
    chunk('IHDR', ihdr),
    chunk('IDAT', (options.deflate ?? zlibStored)(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Base64 of bytes, in Node and browsers. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

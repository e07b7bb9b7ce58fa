// The one PNG encoder of trainkit (monitors' filters and loss curves, hpo's study plots): works in
// Node and in browsers, no node:zlib needed.
import { assertPositiveInt, ShapeError } from '@trainkit/core';
import { crc32 } from './checksums';
import { type Deflate, zlibFixed } from './zlib';

/**
 * An 8-bit image, row-major, `channels` bytes a pixel: 4 (RGBA, the default) or 3 (RGB).
 * A {@link Canvas} is one.
 */
export interface PngImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /** Bytes per pixel: 4 = RGBA (default), 3 = RGB. */
  readonly channels?: 3 | 4;
}

/** Options of {@link encodePng}. */
export interface PngOptions {
  /**
   * A zlib-format compressor for the image data, e.g. node:zlib's `deflateSync` for the
   * smallest files or {@link zlibStored} for none. Default: {@link zlibFixed} matching one
   * pixel, one byte and one row back (small files for flat-coloured plots, in any runtime).
   */
  deflate?: Deflate;
}

/** `channels` as 3 or 4 (4 when undefined); anything else is a `ShapeError` naming `argument`. */
export function assertChannels(argument: string, channels: unknown): 3 | 4 {
  if (channels === undefined) return 4;
  if (channels !== 3 && channels !== 4) {
    throw new ShapeError('unsupported channel count', {
      argument,
      expected: '3 (RGB) or 4 (RGBA)',
      received: channels,
    });
  }
  return channels;
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

const SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

/**
 * Encodes an 8-bit RGBA or RGB image as PNG (W3C PNG spec: IHDR, IDAT, IEND; filter None on
 * every row; colour type 6 for RGBA, 2 for RGB).
 * @example
 * const red = encodePng({ width: 1, height: 1, data: Uint8Array.of(255, 0, 0, 255) });
 * const small = encodePng(canvas, { deflate: deflateSync }); // node:zlib
 */
export function encodePng(image: PngImage, options: PngOptions = {}): Uint8Array {
  const { width, height, data } = image;
  const channels = assertChannels('image.channels', image.channels);
  assertPositiveInt('image.width', width);
  assertPositiveInt('image.height', height);
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    throw new ShapeError('pixel buffer of the wrong size', {
      argument: 'image.data',
      expected: `a Uint8Array of width*height*${channels} = ${width * height * channels} bytes`,
      received: data instanceof Uint8Array ? data.length : data,
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
  const deflate = options.deflate ?? ((r: Uint8Array) => zlibFixed(r, [channels, 1, stride]));
  const parts = [
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflate(raw)),
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

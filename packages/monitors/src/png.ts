// PNG encoding lives in @trainkit/core (shared with @trainkit/hpo); monitors keeps its RGBA API.
import { type Deflate, encodePng as encode, type PngImage } from '@trainkit/core';

export { crc32, type Deflate, toBase64, zlibStored } from '@trainkit/core';

/** An 8-bit RGBA image, row-major. */
export type RgbaImage = PngImage;

/**
 * Encodes an RGBA image as PNG. Without `deflate` the image data is stored uncompressed, which
 * every PNG reader accepts.
 */
export function encodePng(image: RgbaImage, deflate?: Deflate): Uint8Array {
  return encode(image, deflate ? { deflate, channels: 4 } : { channels: 4 });
}

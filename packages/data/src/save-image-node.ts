import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { ConfigError, IOError, ShapeError } from '@trainkit/core';
import sharp from 'sharp';

/** Pixels to save: uint8 HWC, `width * height * channels` values. */
export interface ImagePixels {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 3 | 4;
}

/**
 * Writes uint8 HWC pixels as a JPEG, PNG or WebP file chosen by the extension (Node, sharp),
 * atomically (a temporary file renamed into place): for looking at augmented batches, thumbnails
 * of misclassified images, or making test folders.
 *
 * @example
 * await saveImage('out/sample.png', { data, width: 224, height: 224, channels: 3 });
 */
export async function saveImage(
  path: string,
  pixels: ImagePixels,
  options: { quality?: number } = {},
): Promise<void> {
  const { data, width, height, channels } = pixels ?? ({} as ImagePixels);
  if (!(data instanceof Uint8Array) || ![1, 3, 4].includes(channels)) {
    throw new ConfigError('pixels must be uint8 with 1, 3 or 4 channels', {
      argument: 'pixels',
      received: pixels,
    });
  }
  if (data.length !== width * height * channels) {
    throw new ShapeError('pixel count does not match the size', {
      argument: 'pixels',
      expected: `${width} x ${height} x ${channels} = ${width * height * channels} values`,
      receivedText: `${data.length} values`,
    });
  }
  const ext = extname(path).toLowerCase();
  let image = sharp(data, { raw: { width, height, channels } });
  const quality = options.quality ?? 90;
  if (ext === '.jpg' || ext === '.jpeg') image = image.jpeg({ quality });
  else if (ext === '.png') image = image.png();
  else if (ext === '.webp') image = image.webp({ quality });
  else {
    throw new ConfigError('unknown image extension', {
      argument: 'path',
      expected: '.jpg, .jpeg, .png or .webp',
      received: path,
    });
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.part-${process.pid}${ext}`;
  try {
    await image.toFile(tmp);
    await rename(tmp, path);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw new IOError('cannot write the image', { argument: path, cause });
  }
}

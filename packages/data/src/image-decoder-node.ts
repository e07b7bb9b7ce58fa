import { readFile } from 'node:fs/promises';
import { IOError } from '@trainkit/core';
import sharp from 'sharp';
import type { ImageDecoder } from './image-folder';
import type { ImageOp, Interpolation } from './image-recipe';

const KERNEL = {
  nearest: 'nearest',
  bilinear: 'linear',
  bicubic: 'cubic',
  lanczos3: 'lanczos3',
} as const;

/** Options of {@link sharpDecoder}. */
export interface SharpDecoderOptions {
  /** Turn photos upright by their EXIF orientation (default `true`, as phones save them). */
  autoOrient?: boolean;
}

/**
 * The Node image decoder: files read and decoded by sharp (libvips; JPEG through mozjpeg /
 * libjpeg-turbo, PNG through libspng, WebP through libwebp), resized and cropped in the same
 * pipeline on libvips' worker threads. Alpha is dropped (as PIL's `convert('RGB')` does), grey
 * images are expanded to RGB and RGB reduced to grey as the folder asks, 16-bit images cast to
 * 8 bits.
 *
 * @example
 * const folder = await imageFolder('./photos', { decoder: sharpDecoder({ autoOrient: false }) });
 */
export function sharpDecoder(options: SharpDecoderOptions = {}): ImageDecoder<string> {
  const autoOrient = options.autoOrient ?? true;
  return {
    describe: (path) => path,
    async decode(path, plan, { channels, interpolation }) {
      const bytes = await readFile(path).catch((cause: Error) => {
        throw new IOError(
          `cannot read the file (${(cause as { code?: string }).code ?? cause.message})`,
          {
            argument: path,
            cause,
          },
        );
      });
      let base = sharp(bytes, { failOn: 'error', autoOrient, limitInputPixels: 2 ** 28 });
      const meta = await base.metadata();
      let width = autoOrient ? (meta.autoOrient?.width ?? meta.width) : meta.width;
      let height = autoOrient ? (meta.autoOrient?.height ?? meta.height) : meta.height;
      if (!width || !height) throw new Error('no image size in the file header');
      if (meta.hasAlpha) {
        // Drop alpha before resizing, as Pillow's convert('RGB') does (libvips would resize
        // premultiplied colours, which changes pixels where the image is transparent).
        const flat = await base.removeAlpha().raw().toBuffer({ resolveWithObject: true });
        ({ width, height } = flat.info);
        base = sharp(flat.data, {
          raw: { width, height, channels: flat.info.channels as 1 | 2 | 3 | 4 },
        });
      }
      const ops = plan(width, height);
      return Promise.all(ops.map((op) => run(base.clone(), op, channels, interpolation)));
    },
  };
}

async function run(
  image: sharp.Sharp,
  op: ImageOp,
  channels: 1 | 3,
  interpolation: Interpolation,
): Promise<Uint8Array> {
  let p = image;
  if (op.crop) p = p.extract(op.crop);
  if (op.resize) {
    p = p.resize({
      width: op.resize[1],
      height: op.resize[0],
      fit: 'fill',
      kernel: KERNEL[interpolation],
    });
  }
  if (op.cropAfter) p = p.extract(op.cropAfter);
  p = channels === 3 ? p.removeAlpha().toColourspace('srgb') : p.toColourspace('b-w');
  const { data, info } = await p.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels === channels && !op.flip) {
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  }
  // Keep the colour bands only (b-w with alpha, a fourth band) and mirror here: sharp's flop runs
  // before its resize and post-resize extract, whatever the call order, so it would flip first.
  const { width, height } = info;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const j = (y * width + (op.flip ? width - 1 - x : x)) * info.channels;
      for (let c = 0; c < channels; c++) out[i + c] = data[j + c]!;
    }
  }
  return out;
}

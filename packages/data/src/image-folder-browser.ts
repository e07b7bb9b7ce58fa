import { ConfigError, IOError } from '@trainkit/core';
import { type ImageDecoder, type ImageEntry, ImageFolder } from './image-folder';
import type { ImageOp, ImageRecipe, Interpolation, SizeOption } from './image-recipe';
import { resizeImage } from './resize-image';

/** A browser image source: a `File`/`Blob` (from an `<input type=file>` or a drop) or a URL. */
export type BrowserImageSource = Blob | string;

interface CanvasLike {
  getContext(kind: '2d', options?: unknown): Context2D | null;
}
interface Context2D {
  imageSmoothingEnabled: boolean;
  imageSmoothingQuality: string;
  translate(x: number, y: number): void;
  scale(x: number, y: number): void;
  drawImage(
    image: unknown,
    sx: number,
    sy: number,
    sw: number,
    sh: number,
    dx: number,
    dy: number,
    dw: number,
    dh: number,
  ): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
interface BitmapLike {
  width: number;
  height: number;
  close(): void;
}
interface BrowserGlobals {
  createImageBitmap?: (b: Blob, o?: unknown) => Promise<BitmapLike>;
  OffscreenCanvas?: new (w: number, h: number) => CanvasLike;
  fetch?: typeof fetch;
}

/**
 * The browser image decoder: `createImageBitmap` decodes (JPEG, PNG, WebP: whatever the browser
 * reads; EXIF orientation applied), an `OffscreenCanvas` crops, resizes (the browser's smoothing:
 * `'nearest'` turns it off, the others ask for high quality) and mirrors, `getImageData` reads the
 * pixels back. Grey output uses the ITU-R 601 luma weights (as Pillow's `convert('L')`).
 *
 * @example
 * const folder = imageFolderFromFiles(input.files, { imageSize: 224, decoder: canvasDecoder() });
 */
export function canvasDecoder(): ImageDecoder<BrowserImageSource> {
  return {
    describe: (s) => (typeof s === 'string' ? s : ((s as { name?: string }).name ?? 'a Blob')),
    async decode(source, plan, { channels, interpolation }) {
      const g = globalThis as unknown as BrowserGlobals;
      if (typeof g.createImageBitmap !== 'function' || typeof g.OffscreenCanvas !== 'function') {
        throw new ConfigError('this runtime has no createImageBitmap / OffscreenCanvas', {
          argument: 'decoder',
          expected: 'a browser (in Node use imageFolder from @trainkit/data/node)',
        });
      }
      let blob: Blob;
      if (typeof source === 'string') {
        const res = await (g.fetch as typeof fetch)(source);
        if (!res.ok) throw new IOError(`HTTP ${res.status}`, { argument: source });
        blob = await res.blob();
      } else blob = source;
      const bitmap = await g.createImageBitmap(blob, { imageOrientation: 'from-image' });
      try {
        return plan(bitmap.width, bitmap.height).map((op) =>
          draw(g, bitmap, op, channels, interpolation),
        );
      } finally {
        bitmap.close();
      }
    },
  };
}

function draw(
  g: BrowserGlobals,
  bitmap: BitmapLike,
  op: ImageOp,
  channels: 1 | 3,
  interpolation: Interpolation,
): Uint8Array {
  // One drawImage does crop -> resize -> crop: the second crop maps back to source pixels.
  const src = op.crop ?? { left: 0, top: 0, width: bitmap.width, height: bitmap.height };
  const [rh, rw] = op.resize ?? [src.height, src.width];
  const after = op.cropAfter ?? { left: 0, top: 0, width: rw, height: rh };
  const sx = src.width / rw;
  const sy = src.height / rh;
  const canvas = new (g.OffscreenCanvas as NonNullable<BrowserGlobals['OffscreenCanvas']>)(
    after.width,
    after.height,
  );
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new IOError('no 2d canvas context', { argument: 'OffscreenCanvas' });
  ctx.imageSmoothingEnabled = interpolation !== 'nearest';
  ctx.imageSmoothingQuality = 'high';
  if (op.flip) {
    ctx.translate(after.width, 0);
    ctx.scale(-1, 1);
  }
  ctx.drawImage(
    bitmap,
    src.left + after.left * sx,
    src.top + after.top * sy,
    after.width * sx,
    after.height * sy,
    0,
    0,
    after.width,
    after.height,
  );
  const rgba = ctx.getImageData(0, 0, after.width, after.height).data;
  const n = after.width * after.height;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const r = rgba[4 * i]!;
    const gr = rgba[4 * i + 1]!;
    const b = rgba[4 * i + 2]!;
    if (channels === 3) {
      out[3 * i] = r;
      out[3 * i + 1] = gr;
      out[3 * i + 2] = b;
    } else out[i] = Math.round((r * 299 + gr * 587 + b * 114) / 1000);
  }
  return out;
}

/** Options of {@link imageFolderFromFiles} and {@link imageFolderFromUrls}. */
export interface ImageFolderFromFilesOptions {
  /** Size of the default stretch recipe (default 224). */
  imageSize?: SizeOption;
  /** The default recipe (default `resizeImage({ size: imageSize })`). */
  recipe?: ImageRecipe;
  /** 3 (RGB, default) or 1 (grey). */
  channels?: 1 | 3;
  /** `'throw'` (default) or `'skip'` undecodable files. */
  onError?: 'throw' | 'skip';
  /** The decoder (default {@link canvasDecoder}). */
  decoder?: ImageDecoder<BrowserImageSource>;
}

const IMAGE_NAME = /\.(jpe?g|png|webp)$/i;

/**
 * An image folder from the files of a folder picker (`<input type="file" webkitdirectory>`) or a
 * drop: the class of each file is the first folder below the chosen one in its
 * `webkitRelativePath` (`photos/cat/1.jpg` -> `cat`); files that are not JPEG, PNG or WebP are
 * ignored. Classes are sorted by name, as in Node.
 *
 * @example
 * input.onchange = async () => {
 *   const photos = imageFolderFromFiles(input.files, { imageSize: 224 });
 * };
 */
export function imageFolderFromFiles(
  files: ArrayLike<File> | Iterable<File>,
  options: ImageFolderFromFilesOptions = {},
): ImageFolder<BrowserImageSource> {
  const items: { source: File; className: string }[] = [];
  for (const f of Array.from(files as ArrayLike<File>)) {
    if (!IMAGE_NAME.test(f.name)) continue;
    const parts = ((f as { webkitRelativePath?: string }).webkitRelativePath ?? '').split('/');
    if (parts.length < 3) {
      throw new ConfigError('a file is not inside a class folder', {
        argument: 'files',
        expected: 'files picked as a folder: <folder>/<class>/<image> (webkitRelativePath)',
        received: f.name,
      });
    }
    items.push({ source: f, className: parts[1]! });
  }
  return build(items, options);
}

/**
 * An image folder from URLs with their class names (images on a server, or object URLs).
 *
 * @example
 * const folder = imageFolderFromUrls([{ url: '/img/cat1.jpg', className: 'cat' }, ...]);
 */
export function imageFolderFromUrls(
  items: readonly { url: string; className: string }[],
  options: ImageFolderFromFilesOptions = {},
): ImageFolder<BrowserImageSource> {
  return build(
    items.map((i) => ({ source: i.url, className: i.className })),
    options,
  );
}

function build(
  items: { source: BrowserImageSource; className: string }[],
  options: ImageFolderFromFilesOptions,
): ImageFolder<BrowserImageSource> {
  if (items.length === 0) {
    throw new ConfigError('no images', {
      argument: 'files',
      expected: 'at least one JPEG, PNG or WebP file in a class folder',
    });
  }
  const classNames = [...new Set(items.map((i) => i.className))].sort();
  const entries: ImageEntry<BrowserImageSource>[] = items.map((i) => ({
    source: i.source,
    label: classNames.indexOf(i.className),
  }));
  return new ImageFolder({
    entries,
    classNames,
    decoder: options.decoder ?? canvasDecoder(),
    recipe: options.recipe ?? resizeImage({ size: options.imageSize ?? 224 }),
    ...(options.channels === undefined ? {} : { channels: options.channels }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
}

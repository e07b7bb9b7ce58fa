import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { ConfigError, IOError } from '@trainkit/core';
import { sharpDecoder } from './image-decoder-node';
import { type ImageDecoder, type ImageEntry, ImageFolder } from './image-folder';
import type { ImageRecipe, Interpolation, SizeOption } from './image-recipe';
import { resizeImage } from './resize-image';

/** File extensions read by default (case-insensitive). */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'] as const;

/** Options of {@link imageFolder}. */
export interface ImageFolderOptions {
  /** Size every image is stretched to by the default recipe, `[height, width]` or a side (default 224). */
  imageSize?: SizeOption;
  /** The default recipe of `batches()` (default: `resizeImage({ size: imageSize, interpolation })`). */
  recipe?: ImageRecipe;
  /** Resampling filter of the default recipe (default `'bilinear'`). */
  interpolation?: Interpolation;
  /** 3 (RGB, default) or 1 (grey). */
  channels?: 1 | 3;
  /** `'throw'` (default) or `'skip'` undecodable files (counted in `folder.skipped`). */
  onError?: 'throw' | 'skip';
  /** Only these classes, in this order (default: every subfolder, sorted by name). */
  classNames?: readonly string[];
  /** Extensions read (default `.jpg .jpeg .png .webp`). */
  extensions?: readonly string[];
  /** The decoder (default {@link sharpDecoder}). */
  decoder?: ImageDecoder<string>;
}

/**
 * Reads a folder with one subfolder per class (`photos/cat/*.jpg`, `photos/dog/*.png`, files in
 * nested folders included) as a streamed {@link ImageFolder}: class names are the subfolder names
 * in sorted order (torchvision's `ImageFolder` and Keras' `image_dataset_from_directory`
 * convention), files are listed in sorted order, nothing is decoded until batches are asked for.
 * Hidden files and other extensions are ignored. A missing folder, no class folders or a class
 * without images -> `IOError` naming the folder.
 *
 * @example
 * const photos = await imageFolder('./photos', { imageSize: 224, onError: 'skip' });
 * photos.classNames; // ['cat', 'dog']
 * const { train, test } = photos.split({ test: 0.2, stratify: true, rng: 0 });
 */
export async function imageFolder(
  dir: string,
  options: ImageFolderOptions = {},
): Promise<ImageFolder<string>> {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new ConfigError('a folder path is needed', { argument: 'dir', received: dir });
  }
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new IOError('no such folder', {
      argument: dir,
      expected: 'a folder with one subfolder of images per class',
    });
  }
  const extensions = (options.extensions ?? IMAGE_EXTENSIONS).map((e) => e.toLowerCase());
  const found = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  const classNames = options.classNames ? [...options.classNames] : found;
  for (const c of classNames) {
    if (!found.includes(c)) {
      throw new ConfigError(`no subfolder '${c}'`, {
        argument: 'classNames',
        expected: `names among ${JSON.stringify(found)}`,
        received: c,
      });
    }
  }
  if (classNames.length === 0) {
    throw new IOError('no class subfolders', {
      argument: dir,
      expected: 'one subfolder of images per class (photos/cat/*.jpg, photos/dog/*.jpg)',
    });
  }
  const entries: ImageEntry<string>[] = [];
  for (const [label, name] of classNames.entries()) {
    const files = await listImages(join(dir, name), extensions);
    if (files.length === 0) {
      throw new IOError(`class folder '${name}' holds no images`, {
        argument: join(dir, name),
        expected: `files ending in ${extensions.join(', ')}`,
      });
    }
    for (const f of files) entries.push({ source: f, label });
  }
  const recipe =
    options.recipe ??
    resizeImage({
      size: options.imageSize ?? 224,
      ...(options.interpolation ? { interpolation: options.interpolation } : {}),
    });
  return new ImageFolder({
    entries,
    classNames,
    decoder: options.decoder ?? sharpDecoder(),
    recipe,
    ...(options.channels === undefined ? {} : { channels: options.channels }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
}

async function listImages(dir: string, extensions: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const items = await readdir(d, { withFileTypes: true });
    for (const it of items) {
      if (it.name.startsWith('.')) continue;
      const p = join(d, it.name);
      if (it.isDirectory()) await walk(p);
      else if (extensions.includes(extname(it.name).toLowerCase())) out.push(p);
    }
  };
  await walk(dir);
  // sorted by path relative to the class folder, as a listing users can predict
  return out.sort((a, b) => (relative(dir, a) < relative(dir, b) ? -1 : 1));
}

// Loading datasets in the page: the embedded Fashion-MNIST subset (served beside the site), IDX
// files the user drops (gzip or not, @trainkit/data's reader), or a folder of images.
import { IOError, ShapeError } from '@trainkit/core';
import { FASHION_MNIST_CLASSES, type IdxArray, readIdx } from '@trainkit/data';
import type { DatasetMessage } from './protocol';

export { FASHION_MNIST_CLASSES };
/** Every model of the demo takes 28x28 grey images. */
export const IMAGE_SHAPE: [number, number, number] = [28, 28, 1];

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok)
    throw new IOError(`could not fetch ${url}: HTTP ${res.status}`, {
      argument: 'embedded dataset',
    });
  return new Uint8Array(await res.arrayBuffer());
}

function pair(images: IdxArray, labels: IdxArray, name: string) {
  const dims = images.dims;
  const [, h, w, c] = dims;
  if (
    images.dtype !== 'uint8' ||
    (dims.length !== 3 && dims.length !== 4) ||
    h !== 28 ||
    w !== 28 ||
    (c ?? 1) !== 1
  )
    throw new ShapeError('dataset of the wrong shape: the demo trains on 28x28 grey images', {
      argument: name,
      expected: 'uint8 images with dims [n, 28, 28] or [n, 28, 28, 1]',
      receivedText: `${images.dtype} dims [${dims.join(', ')}]`,
    });
  if (labels.dtype !== 'uint8' || labels.dims.length !== 1 || labels.dims[0] !== dims[0])
    throw new ShapeError('labels do not match the images', {
      argument: name,
      expected: `uint8 labels with dims [${dims[0]}]`,
      receivedText: `${labels.dtype} dims [${labels.dims.join(', ')}]`,
    });
  return { x: images.data as Uint8Array, y: Int32Array.from(labels.data as Uint8Array) };
}

function numClassesOf(...ys: Int32Array[]): number {
  let max = 0;
  for (const y of ys) for (const v of y) if (v > max) max = v;
  return max + 1;
}

/** The embedded Fashion-MNIST subset (2,000 train + 500 test images) from `base/data/`. */
export async function embeddedDataset(base: string): Promise<DatasetMessage> {
  const get = (n: string) => fetchBytes(new URL(`data/fashion-mnist-${n}-ubyte.gz`, base).href);
  const [ti, tl, vi, vl] = await Promise.all(
    ['train-images-idx3', 'train-labels-idx1', 'test-images-idx3', 'test-labels-idx1'].map(get),
  );
  const read = (b: Uint8Array, name: string) => readIdx(b, { name });
  const train = pair(
    await read(ti!, 'train-images'),
    await read(tl!, 'train-labels'),
    'embedded train',
  );
  const test = pair(
    await read(vi!, 'test-images'),
    await read(vl!, 'test-labels'),
    'embedded test',
  );
  return {
    name: 'Fashion-MNIST (embedded subset)',
    train,
    test,
    shape: IMAGE_SHAPE,
    numClasses: 10,
    classNames: [...FASHION_MNIST_CLASSES],
  };
}

/**
 * IDX files as published for MNIST / Fashion-MNIST: an images file and a labels file, and
 * optionally a test pair (names containing `t10k` or `test`). Gzip or not.
 */
export async function idxDataset(files: File[]): Promise<DatasetMessage> {
  const parsed = await Promise.all(
    files.map(async (f) => ({
      name: f.name,
      test: /t10k|test/i.test(f.name),
      idx: await readIdx(new Uint8Array(await f.arrayBuffer()), { name: f.name }),
    })),
  );
  const find = (test: boolean, images: boolean) =>
    parsed.find((p) => p.test === test && (p.idx.dims.length === 1) !== images);
  const trainImages = find(false, true) ?? find(true, true);
  const trainLabels = trainImages && find(trainImages.test, false);
  if (!trainImages || !trainLabels)
    throw new IOError('need an images file and a labels file', {
      argument: 'IDX files',
      expected: 'e.g. train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz',
      receivedText: parsed.map((p) => `${p.name} [${p.idx.dims.join(', ')}]`).join(', '),
    });
  const train = pair(trainImages.idx, trainLabels.idx, trainImages.name);
  let test: DatasetMessage['test'];
  if (!trainImages.test) {
    const ti = find(true, true);
    const tl = find(true, false);
    if (ti && tl) test = pair(ti.idx, tl.idx, ti.name);
  }
  const numClasses = numClassesOf(train.y, ...(test ? [test.y] : []));
  const fashion = /fashion/i.test(trainImages.name);
  return {
    name: `IDX: ${trainImages.name}`,
    train,
    ...(test ? { test } : {}),
    shape: IMAGE_SHAPE,
    numClasses,
    classNames:
      fashion && numClasses === 10
        ? [...FASHION_MNIST_CLASSES]
        : Array.from({ length: numClasses }, (_, i) => String(i)),
  };
}

/** Decodes one image file to 28x28 grey bytes (drawn scaled, luminance). */
async function greyPixels(file: File): Promise<Uint8Array> {
  const bitmap = await createImageBitmap(file);
  const canvas = new OffscreenCanvas(28, 28);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, 28, 28);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, 28, 28).data;
  const out = new Uint8Array(28 * 28);
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!);
  return out;
}

/** A folder of images, one subfolder per class; images are scaled to 28x28 grey. */
export async function folderDataset(files: File[]): Promise<DatasetMessage> {
  const images = files.filter((f) => /\.(png|jpe?g|gif|bmp|webp)$/i.test(f.name));
  const classOf = (f: File) => {
    const parts = (f.webkitRelativePath || f.name).split('/');
    return parts.length >= 2 ? parts[parts.length - 2]! : '';
  };
  const classNames = [...new Set(images.map(classOf))].filter((c) => c !== '').sort();
  if (images.length === 0 || classNames.length < 2)
    throw new IOError('the folder must hold images in at least two class subfolders', {
      argument: 'image folder',
      expected: 'folder/<class>/<image>.png|jpg, two classes or more',
      receivedText: `${images.length} images in ${classNames.length} class folders (${files.length} files)`,
    });
  const x = new Uint8Array(images.length * 28 * 28);
  const y = new Int32Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const f = images[i]!;
    try {
      x.set(await greyPixels(f), i * 784);
    } catch (cause) {
      throw new IOError(`could not decode image ${f.webkitRelativePath || f.name}`, {
        argument: 'image folder',
        cause,
      });
    }
    y[i] = classNames.indexOf(classOf(f));
  }
  return {
    name: `folder (${images.length} images)`,
    train: { x, y },
    shape: IMAGE_SHAPE,
    numClasses: classNames.length,
    classNames,
  };
}

/** Draws 28x28 grey bytes on a new canvas. */
export function imageCanvas(pixels: ArrayLike<number>, size = 28): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const v = pixels[i]!;
    img.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

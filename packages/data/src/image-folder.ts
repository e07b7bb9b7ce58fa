import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertOneOf,
  assertPositiveInt,
  ConfigError,
  IOError,
  isTrainkitError,
  Rng,
  toRng,
  ValueRangeError,
} from '@trainkit/core';
import { Dataset } from './dataset';
import type { ImageOp, ImageRecipe, Interpolation } from './image-recipe';
import { oneHot } from './one-hot';
import type { PixelNormalization } from './pixel-normalization';
import { type SplitOptions, splitIndices } from './split';

/**
 * Decodes one image source (a file path in Node, a `File`/`Blob`/URL in the browser) and runs the
 * geometric ops of a recipe on it. `plan(width, height)` receives the decoded (upright) size and
 * returns the ops; the result has one `h * w * channels` uint8 array (HWC) per op.
 */
export interface ImageDecoder<S> {
  decode(
    source: S,
    plan: (width: number, height: number) => ImageOp[],
    options: { channels: 1 | 3; interpolation: Interpolation },
  ): Promise<Uint8Array[]>;
  /** The source in words for errors and reports (a path, a file name, a URL). */
  describe(source: S): string;
}

/** One image of a folder: where it is and its class. */
export interface ImageEntry<S> {
  source: S;
  label: number;
}

/** A file that could not be decoded and was skipped (`onError: 'skip'`). */
export interface SkippedImage {
  source: string;
  reason: string;
}

/** What an {@link ImageFolder} is made of; built by `imageFolder()` (Node) or `imageFolderFromFiles()`. */
export interface ImageFolderInit<S> {
  entries: readonly ImageEntry<S>[];
  classNames: readonly string[];
  decoder: ImageDecoder<S>;
  /** Default recipe of `batches()` (the loaders pass a stretch resize to `imageSize`). */
  recipe: ImageRecipe;
  /** 3 (RGB, default) or 1 (grey); images of the other kind are converted. */
  channels?: 1 | 3;
  /** `'throw'` (default): an undecodable file -> `IOError` naming it; `'skip'`: left out and logged in `skipped`. */
  onError?: 'throw' | 'skip';
  /** Shared log of skipped files (subsets and splits share their parent's). */
  skipped?: SkippedImage[];
}

/** Options of {@link ImageFolder.batches}. */
export interface ImageBatchOptions {
  /** Reshuffle the order before iterating (default `false`: folder order). */
  shuffle?: boolean;
  /** Seed or `Rng` for the shuffle and the random recipes (default seed 0); a passed `Rng` advances. */
  rng?: Rng | number;
  /** The recipe for this pass (default: the folder's); a test-time recipe yields `views` rows per image. */
  recipe?: ImageRecipe;
  /** Applied to the uint8 pixels (default none: float32 values 0..255, as Keras yields them). */
  normalization?: PixelNormalization;
  /** `y` as one-hot float32 `[b, numClasses]` instead of int32 labels (default `false`). */
  oneHot?: boolean;
  /** Drop a last batch smaller than `batchSize` (default `false`). */
  dropRemainder?: boolean;
  /** `true`: the consumer owns and disposes every batch (what `fit` wants); default `false`. */
  keep?: boolean;
  /** Batches decoded ahead of the one being used (default 2; 0 decodes on demand). */
  prefetch?: number;
}

/** One batch of images: `x` float32 `[b * views, h, w, c]`, `y` `[b]`, and which images they are. */
export interface ImageBatch {
  x: tf.Tensor4D;
  y: tf.Tensor;
  /** Positions in the folder of the images in this batch (skipped files left out). */
  indices: Int32Array;
  /** Rows of `x` per image (1, or the recipe's views for test-time augmentation). */
  views: number;
}

interface Decoded {
  indices: number[];
  pixels: Uint8Array[][];
}

/**
 * A labelled folder of images (one subfolder per class, as Keras' `image_dataset_from_directory`
 * and torchvision's `ImageFolder` read them), **streamed**: only file names and labels are held;
 * each batch is decoded when it is needed, with the next `prefetch` batches decoded ahead (in Node
 * on libvips' worker threads, off the JavaScript thread). Immutable: `subset` and `split` return
 * new folders sharing the decoder.
 *
 * @example
 * const photos = await imageFolder('./photos', { imageSize: 224 }); // @trainkit/data/node
 * const { train, test } = photos.split({ test: 0.2, stratify: true, rng: 0 });
 * for await (const { x, y } of train.batches(32, { shuffle: true, rng: 1, recipe: randomResizedCrop() })) {
 *   // x: float32 [32, 224, 224, 3] in 0..255, y: int32 [32]
 * }
 */
export class ImageFolder<S = unknown> {
  readonly classNames: readonly string[];
  readonly numClasses: number;
  readonly size: number;
  readonly channels: 1 | 3;
  readonly recipe: ImageRecipe;
  readonly onError: 'throw' | 'skip';
  /** Files left out so far because they could not be decoded (`onError: 'skip'`), shared with subsets. */
  readonly skipped: SkippedImage[];
  readonly labels: Int32Array;
  readonly sources: readonly S[];
  private readonly decoder: ImageDecoder<S>;

  constructor(init: ImageFolderInit<S>) {
    if (!Array.isArray(init?.entries)) {
      throw new ConfigError('entries must be an array', {
        argument: 'entries',
        received: init?.entries,
      });
    }
    if (!Array.isArray(init.classNames) || init.classNames.length === 0) {
      throw new ConfigError('at least one class is needed', {
        argument: 'classNames',
        received: init.classNames,
      });
    }
    this.classNames = [...init.classNames];
    this.numClasses = init.classNames.length;
    this.labels = Int32Array.from(init.entries, (e, i) => {
      if (!Number.isInteger(e.label) || e.label < 0 || e.label >= this.numClasses) {
        throw new ValueRangeError(`entry ${i} has no valid label`, {
          argument: 'entries',
          expected: `labels in [0, ${this.numClasses})`,
          received: e.label,
        });
      }
      return e.label;
    });
    this.sources = init.entries.map((e) => e.source);
    this.size = init.entries.length;
    const channels = init.channels ?? 3;
    if (channels !== 1 && channels !== 3) {
      throw new ConfigError('channels must be 1 (grey) or 3 (RGB)', {
        argument: 'channels',
        received: channels,
      });
    }
    this.channels = channels;
    this.onError = assertOneOf('onError', init.onError ?? 'throw', ['throw', 'skip'] as const);
    this.recipe = init.recipe;
    this.decoder = init.decoder;
    this.skipped = init.skipped ?? [];
  }

  /** Shape of one example under the folder's recipe, `[h, w, channels]`. */
  get shape(): [number, number, number] {
    return [this.recipe.size[0], this.recipe.size[1], this.channels];
  }

  /** The source of image `i` in words (its path, file name or URL). */
  describe(i: number): string {
    return this.decoder.describe(this.sources[i] as S);
  }

  /** Number of images of each class. */
  histogram(): number[] {
    const h = new Array<number>(this.numClasses).fill(0);
    for (const c of this.labels) h[c] = h[c]! + 1;
    return h;
  }

  /** The images at `indices`, in that order, as a new folder (same decoder, classes, skip log). */
  subset(indices: ArrayLike<number>): ImageFolder<S> {
    const entries: ImageEntry<S>[] = [];
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.size) {
        throw new ValueRangeError(`index ${k} out of range`, {
          argument: 'indices',
          expected: `integers in [0, ${this.size})`,
          received: i,
        });
      }
      entries.push({ source: this.sources[i] as S, label: this.labels[i]! });
    }
    return new ImageFolder({
      entries,
      classNames: this.classNames,
      decoder: this.decoder,
      recipe: this.recipe,
      channels: this.channels,
      onError: this.onError,
      skipped: this.skipped,
    });
  }

  /** A seeded random train / validation / test split, as `splitDataset` makes it (same seed, same split). */
  split(options: SplitOptions = {}): {
    train: ImageFolder<S>;
    validation: ImageFolder<S>;
    test: ImageFolder<S>;
  } {
    const parts = splitIndices(this.labels, this.numClasses, options);
    return {
      train: this.subset(parts.train),
      validation: this.subset(parts.validation),
      test: this.subset(parts.test),
    };
  }

  /**
   * Decodes image `i` through `recipe` (default the folder's): one uint8 HWC array per view, or
   * `undefined` when the file is unreadable and `onError` is `'skip'`.
   */
  async decode(
    i: number,
    recipe: ImageRecipe = this.recipe,
    rng: Rng | number = 0,
  ): Promise<Uint8Array[] | undefined> {
    assertNumber('i', i, { min: 0, max: this.size - 1, integer: true });
    const r = toRng(rng);
    const source = this.sources[i] as S;
    try {
      const views = await this.decoder.decode(source, (w, h) => recipe.plan(w, h, r), {
        channels: this.channels,
        interpolation: recipe.interpolation,
      });
      const expected = recipe.size[0] * recipe.size[1] * this.channels;
      if (views.length !== recipe.views || views.some((v) => v.length !== expected)) {
        throw new IOError('the decoder returned the wrong number of pixels', {
          argument: this.describe(i),
          expected: `${recipe.views} views of ${expected} values`,
          receivedText: views.map((v) => v.length).join(', '),
        });
      }
      return views;
    } catch (cause) {
      const reason = (cause as Error)?.message ?? String(cause);
      if (this.onError === 'skip') {
        const name = this.describe(i);
        if (!this.skipped.some((s) => s.source === name))
          this.skipped.push({ source: name, reason });
        return undefined;
      }
      if (isTrainkitError(cause)) throw cause;
      throw new IOError(`cannot decode the image (${reason})`, {
        argument: this.describe(i),
        expected: 'a readable JPEG, PNG or WebP file (or pass onError: "skip")',
        cause,
      });
    }
  }

  /**
   * Iterates over batches decoded on demand, `prefetch` batches ahead. With a test-time recipe
   * (`tenCrop`) each image gives `views` consecutive rows of `x`; `y` keeps one label per image.
   * Files that cannot be decoded throw an `IOError` naming them, or are left out of their batch
   * when the folder was made with `onError: 'skip'` (see `skipped`).
   *
   * @example
   * await fit(model, () => train.batches(32, { shuffle: true, rng, keep: true, normalization }), opts);
   */
  async *batches(
    batchSize: number,
    options: ImageBatchOptions = {},
  ): AsyncGenerator<ImageBatch, void, void> {
    assertPositiveInt('batchSize', batchSize);
    const prefetch = assertNumber('prefetch', options.prefetch ?? 2, { min: 0, integer: true });
    const recipe = options.recipe ?? this.recipe;
    const rng = toRng(options.rng);
    const order = options.shuffle ? rng.permutation(this.size) : undefined;
    const keep = options.keep ?? false;
    const starts: number[] = [];
    for (let s = 0; s < this.size; s += batchSize) {
      if (this.size - s < batchSize && (options.dropRemainder ?? false)) break;
      starts.push(s);
    }
    // Seeds are drawn in order when a batch is scheduled, so the random crops do not depend on
    // which decode finishes first.
    const schedule = (start: number): Promise<Decoded> => {
      const n = Math.min(batchSize, this.size - start);
      const idx = Array.from({ length: n }, (_, k) => (order ? order[start + k]! : start + k));
      const seeds = idx.map(() => rng.seed());
      return Promise.all(idx.map((i, k) => this.decode(i, recipe, new Rng(seeds[k])))).then(
        (views) => {
          const ok: Decoded = { indices: [], pixels: [] };
          views.forEach((v, k) => {
            if (v !== undefined) {
              ok.indices.push(idx[k]!);
              ok.pixels.push(v);
            }
          });
          return ok;
        },
      );
    };
    const pending: Promise<Decoded>[] = [];
    const enqueue = (b: number) => {
      if (b < starts.length) {
        const p = schedule(starts[b]!);
        p.catch(() => undefined); // rejections surface when the batch is awaited
        pending.push(p);
      }
    };
    for (let b = 0; b <= prefetch && b < starts.length; b++) enqueue(b);
    let current: ImageBatch | undefined;
    try {
      for (let b = 0; b < starts.length; b++) {
        const decoded = await (pending.shift() as Promise<Decoded>);
        enqueue(b + prefetch + 1);
        if (decoded.indices.length === 0) continue;
        if (!keep && current) disposeImageBatch(current);
        current = this.makeBatch(decoded, recipe, options);
        yield current;
      }
    } finally {
      if (!keep && current) disposeImageBatch(current);
    }
  }

  /**
   * Decodes every image (one view each) into an in-memory uint8 {@link Dataset} with the class
   * names: for folders small enough to hold, e.g. a probe sample. Skipped files are left out.
   *
   * @example const ds = await folder.subset([0, 1, 2]).toDataset();
   */
  async toDataset(options: { recipe?: ImageRecipe; rng?: Rng | number } = {}): Promise<Dataset> {
    const recipe = options.recipe ?? this.recipe;
    if (recipe.views !== 1) {
      throw new ConfigError('a dataset holds one view per image', {
        argument: 'recipe',
        expected: 'a recipe with views = 1',
        received: recipe.views,
      });
    }
    const rng = toRng(options.rng);
    const per = recipe.size[0] * recipe.size[1] * this.channels;
    const chunks: Uint8Array[] = [];
    const y: number[] = [];
    const seeds = Array.from({ length: this.size }, () => rng.seed());
    const step = 64;
    for (let s = 0; s < this.size; s += step) {
      const idx = Array.from({ length: Math.min(step, this.size - s) }, (_, k) => s + k);
      const views = await Promise.all(idx.map((i) => this.decode(i, recipe, new Rng(seeds[i]))));
      views.forEach((v, k) => {
        if (v) {
          chunks.push(v[0]!);
          y.push(this.labels[idx[k]!]!);
        }
      });
    }
    const x = new Uint8Array(chunks.length * per);
    chunks.forEach((c, k) => {
      x.set(c, k * per);
    });
    return new Dataset({
      x,
      y,
      shape: [recipe.size[0], recipe.size[1], this.channels],
      numClasses: this.numClasses,
      classNames: this.classNames,
    });
  }

  private makeBatch(decoded: Decoded, recipe: ImageRecipe, options: ImageBatchOptions): ImageBatch {
    const [h, w] = recipe.size;
    const c = this.channels;
    const per = h * w * c;
    const rows = decoded.pixels.length * recipe.views;
    const raw = new Uint8Array(rows * per);
    let r = 0;
    for (const views of decoded.pixels) {
      for (const v of views) raw.set(v, r++ * per);
    }
    const values = options.normalization
      ? options.normalization.apply(raw, c)
      : Float32Array.from(raw);
    const labels = Int32Array.from(decoded.indices, (i) => this.labels[i]!);
    return {
      x: tf.tensor4d(values, [rows, h, w, c], 'float32'),
      y: options.oneHot ? oneHot(labels, this.numClasses) : tf.tensor1d(labels, 'int32'),
      indices: Int32Array.from(decoded.indices),
      views: recipe.views,
    };
  }
}

function disposeImageBatch(b: ImageBatch): void {
  b.x.dispose();
  b.y.dispose();
}

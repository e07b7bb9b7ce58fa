import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertPositiveInt,
  ConfigError,
  IOError,
  type Rng,
  ShapeError,
  toRng,
  ValueRangeError,
} from '@trainkit/core';
import { oneHot } from './one-hot';
import type { PixelNormalization } from './pixel-normalization';

/** Example values: raw bytes (pixels 0..255) or floats (after normalisation, CSV features). */
export type Examples = Uint8Array | Float32Array;

/** What a {@link Dataset} is made of. */
export interface DatasetInit {
  /** All examples, row-major, `size * prod(shape)` values (images NHWC). */
  x: Examples;
  /** One integer class label per example, in `[0, numClasses)`. */
  y: ArrayLike<number>;
  /** Shape of one example, e.g. `[28, 28, 1]` (HWC) or `[64]`. */
  shape: readonly number[];
  /** Number of classes; default `max(y) + 1`. */
  numClasses?: number;
  /** Optional class names, `numClasses` of them. */
  classNames?: readonly string[];
}

/** One batch: `x` float32 `[b, ...shape]`, `y` int32 `[b]` (or float32 `[b, numClasses]` one-hot). */
export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** Options of {@link Dataset.batches}. */
export interface BatchOptions {
  /** Reshuffle the order before iterating (default `false`: file order). */
  shuffle?: boolean;
  /** Seed or `Rng` for the shuffle (default seed 0). A passed `Rng` advances, so epochs differ. */
  rng?: Rng | number;
  /** `y` as one-hot float32 `[b, numClasses]` instead of int32 labels (default `false`). */
  oneHot?: boolean;
  /** Drop a last batch smaller than `batchSize` (default `false`). */
  dropRemainder?: boolean;
  /**
   * Who disposes each batch. `false` (default): the iterator disposes a batch when the next one
   * is requested and when the loop ends or breaks — clone what you keep. `true`: the consumer
   * owns every batch and must dispose it.
   */
  keep?: boolean;
}

/**
 * An in-memory classification dataset `{x, y}` held as typed arrays (no tensors until you batch).
 * Immutable: `shuffle`, `subset`, `normalize` return new datasets.
 *
 * @example
 * const ds = new Dataset({ x: pixels, y: labels, shape: [28, 28, 1], numClasses: 10 });
 * for await (const { x, y } of ds.batches(64, { shuffle: true, rng: 42 })) {
 *   // x: float32 [64, 28, 28, 1], y: int32 [64]; both disposed by the iterator on the next step
 * }
 */
export class Dataset {
  readonly x: Examples;
  readonly y: Int32Array;
  readonly shape: readonly number[];
  readonly numClasses: number;
  readonly classNames: readonly string[] | undefined;
  /** Number of examples. */
  readonly size: number;
  /** Values per example, `prod(shape)`. */
  readonly exampleSize: number;

  constructor(init: DatasetInit) {
    if (!(init?.x instanceof Uint8Array || init?.x instanceof Float32Array)) {
      throw new ConfigError('examples must be a typed array', {
        argument: 'x',
        expected: 'Uint8Array or Float32Array',
        received: init?.x,
      });
    }
    if (!Array.isArray(init.shape) || init.shape.length === 0) {
      throw new ShapeError('example shape must be a non-empty array', {
        argument: 'shape',
        received: init.shape,
      });
    }
    init.shape.forEach((d, i) => {
      assertPositiveInt(`shape[${i}]`, d);
    });
    this.exampleSize = init.shape.reduce((a, b) => a * b, 1);
    const y = Int32Array.from(init.y ?? []);
    if (init.x.length !== y.length * this.exampleSize) {
      throw new ShapeError('example count and label count differ', {
        argument: 'x',
        expected: `${y.length} labels x ${this.exampleSize} values = ${y.length * this.exampleSize} values`,
        receivedText: `${init.x.length} values`,
      });
    }
    let max = -1;
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (v < 0 || v !== (init.y[i] as number)) {
        throw new ValueRangeError(`label ${i} is not a non-negative integer`, {
          argument: 'y',
          received: init.y[i],
        });
      }
      if (v > max) max = v;
    }
    this.numClasses =
      init.numClasses === undefined
        ? max + 1
        : assertNumber('numClasses', init.numClasses, { min: 1, integer: true });
    if (max >= this.numClasses) {
      throw new ValueRangeError('label out of range', {
        argument: 'y',
        expected: `labels in [0, ${this.numClasses})`,
        received: max,
      });
    }
    if (init.classNames !== undefined && init.classNames.length !== this.numClasses) {
      throw new ConfigError('one class name per class', {
        argument: 'classNames',
        expected: `${this.numClasses} names`,
        receivedText: `${init.classNames.length} names`,
      });
    }
    this.x = init.x;
    this.y = y;
    this.shape = [...init.shape];
    this.size = y.length;
    this.classNames = init.classNames ? [...init.classNames] : undefined;
  }

  /** Examples at `indices` (in that order), as a new dataset. Out-of-range index -> `ValueRangeError`. */
  subset(indices: ArrayLike<number>): Dataset {
    const n = indices.length;
    const e = this.exampleSize;
    const x = this.x instanceof Uint8Array ? new Uint8Array(n * e) : new Float32Array(n * e);
    const y = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = indices[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.size) {
        throw new ValueRangeError(`index ${k} out of range`, {
          argument: 'indices',
          expected: `integers in [0, ${this.size})`,
          received: i,
        });
      }
      x.set(this.x.subarray(i * e, (i + 1) * e), k * e);
      y[k] = this.y[i]!;
    }
    return this.with(x, y);
  }

  /** A seeded random permutation of the examples (Fisher-Yates through core `Rng`). */
  shuffle(rng: Rng | number = 0): Dataset {
    return this.subset(toRng(rng).permutation(this.size));
  }

  /** Number of examples of each class, `numClasses` counts. */
  histogram(): number[] {
    const h = new Array<number>(this.numClasses).fill(0);
    for (const c of this.y) h[c] = h[c]! + 1;
    return h;
  }

  /** The examples as float32 values after `normalization` (a new dataset; labels shared). */
  normalize(normalization: PixelNormalization): Dataset {
    return this.with(normalization.apply(this.x, this.shape[this.shape.length - 1]!), this.y);
  }

  /** All examples as tensors owned by the caller: `x` float32 `[size, ...shape]`, `y` int32 or one-hot. */
  toTensors(options: { oneHot?: boolean } = {}): Batch {
    return this.makeBatch(this.x, this.y, options.oneHot ?? false);
  }

  /**
   * Iterates over batches of `batchSize` examples as tensors. By default the iterator owns and
   * disposes each batch (see {@link BatchOptions.keep}); breaking out of the loop frees the last.
   *
   * @example
   * for await (const { x, y } of train.batches(32, { shuffle: true, rng, oneHot: true })) {
   *   model.trainOnBatch(x, y);
   * }
   */
  async *batches(batchSize: number, options: BatchOptions = {}): AsyncGenerator<Batch, void, void> {
    assertPositiveInt('batchSize', batchSize);
    const order = options.shuffle ? toRng(options.rng).permutation(this.size) : undefined;
    const e = this.exampleSize;
    const keep = options.keep ?? false;
    let current: Batch | undefined;
    try {
      for (let start = 0; start < this.size; start += batchSize) {
        const n = Math.min(batchSize, this.size - start);
        if (n < batchSize && (options.dropRemainder ?? false)) break;
        let x: Examples;
        let y: Int32Array;
        if (order) {
          x = this.x instanceof Uint8Array ? new Uint8Array(n * e) : new Float32Array(n * e);
          y = new Int32Array(n);
          for (let k = 0; k < n; k++) {
            const i = order[start + k]!;
            x.set(this.x.subarray(i * e, (i + 1) * e), k * e);
            y[k] = this.y[i]!;
          }
        } else {
          x = this.x.subarray(start * e, (start + n) * e);
          y = this.y.subarray(start, start + n);
        }
        if (!keep && current) disposeBatch(current);
        current = this.makeBatch(x, y, options.oneHot ?? false);
        yield current;
      }
    } finally {
      if (!keep && current) disposeBatch(current);
    }
  }

  private makeBatch(x: Examples, y: Int32Array, asOneHot: boolean): Batch {
    const n = y.length;
    const xs = tf.tensor(Float32Array.from(x), [n, ...this.shape], 'float32');
    const ys = asOneHot ? oneHot(y, this.numClasses) : tf.tensor1d(Int32Array.from(y), 'int32');
    return { x: xs, y: ys };
  }

  private with(x: Examples, y: Int32Array): Dataset {
    return new Dataset({
      x,
      y,
      shape: this.shape,
      numClasses: this.numClasses,
      ...(this.classNames ? { classNames: this.classNames } : {}),
    });
  }
}

function disposeBatch(b: Batch): void {
  b.x.dispose();
  b.y.dispose();
}

/** Checks that `images` and `labels` hold the same number of examples; `IOError` naming both files. */
export function assertSameCount(
  images: { name: string; count: number },
  labels: { name: string; count: number },
): void {
  if (images.count !== labels.count) {
    throw new IOError('image and label counts differ', {
      argument: `${images.name} / ${labels.name}`,
      expected: `as many labels as images (${images.count})`,
      receivedText: `${labels.count} labels`,
    });
  }
}

import { assertNumber, type Rng, toRng, ValueRangeError } from '@trainkit/core';
import type { Dataset } from './dataset';

/** Options of {@link splitDataset}: fractions of the examples for validation and test. */
export interface SplitOptions {
  /** Fraction in `[0, 1)` held out for validation (default 0). */
  validation?: number;
  /** Fraction in `[0, 1)` held out for test (default 0). */
  test?: number;
  /** Keep each class's proportion in every part (default `false`). */
  stratify?: boolean;
  /** Seed or `Rng` choosing which examples go where (default seed 0). */
  rng?: Rng | number;
}

/** The three parts; each keeps the original example order. */
export interface Splits {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

/**
 * Splits a dataset at random into train / validation / test parts. Sizes are
 * `round(fraction * n)`, computed per class when `stratify` is set (as scikit-learn's
 * `train_test_split(stratify=y)` intends), so every class keeps its share in every part.
 * Each part keeps the original order of its examples; shuffle when batching.
 *
 * @example
 * const { train, validation } = splitDataset(full, { validation: 0.1, stratify: true, rng: 0 });
 */
export function splitDataset(ds: Dataset, options: SplitOptions = {}): Splits {
  const parts = splitIndices(ds.y, ds.numClasses, options);
  const make = (idx: Int32Array) => ds.subset(idx);
  return { train: make(parts.train), validation: make(parts.validation), test: make(parts.test) };
}

/**
 * The indices behind {@link splitDataset}: which examples (by position in `labels`) go to train,
 * validation and test, each part sorted ascending. Shared by in-memory and streamed datasets
 * (image folders), so the same seed splits both the same way.
 *
 * @example
 * const { train, test } = splitIndices(labels, 3, { test: 0.2, stratify: true, rng: 0 });
 */
export function splitIndices(
  labels: ArrayLike<number>,
  numClasses: number,
  options: SplitOptions = {},
): { train: Int32Array; validation: Int32Array; test: Int32Array } {
  const fv = assertNumber('validation', options.validation ?? 0, {
    min: 0,
    max: 1,
    exclusiveMax: true,
  });
  const ft = assertNumber('test', options.test ?? 0, { min: 0, max: 1, exclusiveMax: true });
  if (fv + ft >= 1) {
    throw new ValueRangeError('validation + test must leave some training data', {
      argument: 'validation + test',
      expected: 'a sum < 1',
      received: fv + ft,
    });
  }
  const rng = toRng(options.rng);
  const groups: number[][] = [];
  if (options.stratify ?? false) {
    for (let c = 0; c < numClasses; c++) groups.push([]);
    for (let i = 0; i < labels.length; i++) groups[labels[i]!]!.push(i);
  } else {
    groups.push(Array.from({ length: labels.length }, (_, i) => i));
  }
  const parts: { train: number[]; validation: number[]; test: number[] } = {
    train: [],
    validation: [],
    test: [],
  };
  for (const group of groups) {
    rng.shuffle(group);
    const nv = Math.round(fv * group.length);
    const nt = Math.round(ft * group.length);
    parts.validation.push(...group.slice(0, nv));
    parts.test.push(...group.slice(nv, nv + nt));
    parts.train.push(...group.slice(nv + nt));
  }
  const sorted = (idx: number[]) => Int32Array.from(idx).sort();
  return {
    train: sorted(parts.train),
    validation: sorted(parts.validation),
    test: sorted(parts.test),
  };
}

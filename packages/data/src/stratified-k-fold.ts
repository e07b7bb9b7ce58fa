import { ConfigError, type Rng, toRng, ValueRangeError } from '@trainkit/core';
import { checkK, type Fold, foldsFrom } from './k-fold';

/** Options of {@link stratifiedKFold}. */
export interface StratifiedKFoldOptions {
  /** Number of folds, an integer >= 2 and at most the size of the largest class. Default 5. */
  k?: number;
  /** Shuffle each class's examples before assigning them to folds (default `false`, as scikit-learn). */
  shuffle?: boolean;
  /** Seed or `Rng` of the shuffle (default seed 0). Ignored without `shuffle`. */
  rng?: Rng | number;
}

/**
 * Stratified k-fold splits for class labels `y` with scikit-learn's `StratifiedKFold`
 * semantics (version >= 0.22): every class is spread over the folds as evenly as possible (its
 * count per fold differs by at most one between folds) and the fold sizes differ by at most one.
 * The per-fold class counts are scikit-learn's: the labels, coded by first appearance and sorted,
 * are dealt round-robin to the folds. Without `shuffle` each class fills its folds in index order
 * (scikit-learn's exact indices); with it, a seeded shuffle decides which examples of a class go
 * to which fold (the counts stay the same). A class with fewer than `k` examples is absent from
 * some validation folds (scikit-learn warns); if every class has fewer than `k`, this throws.
 *
 * @example
 * const folds = stratifiedKFold(ds.y, { k: 5, shuffle: true, rng: 42 });
 * const { train, validation } = folds[0]; // Int32Array indices for ds.subset(...)
 */
export function stratifiedKFold(
  y: ArrayLike<number | string>,
  options: StratifiedKFoldOptions = {},
): Fold[] {
  if (y === null || typeof y !== 'object' || typeof (y as ArrayLike<unknown>).length !== 'number') {
    throw new ConfigError('labels must be an array', {
      argument: 'y',
      expected: 'an array or typed array of class labels',
      received: y,
    });
  }
  const n = y.length;
  if (n === 0) {
    throw new ValueRangeError('no examples', {
      argument: 'y',
      expected: 'at least 2 labels',
      received: 0,
    });
  }
  // Classes coded in order of first appearance (scikit-learn's encoding).
  const code = new Map<number | string, number>();
  const coded = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = y[i] as number | string;
    if (typeof label !== 'string' && !Number.isFinite(label)) {
      throw new ConfigError(`label ${i} is not a class`, {
        argument: `y[${i}]`,
        expected: 'a finite number or a string',
        received: label,
      });
    }
    let c = code.get(label);
    if (c === undefined) {
      c = code.size;
      code.set(label, c);
    }
    coded[i] = c;
  }
  const classes = code.size;
  const counts = new Int32Array(classes);
  for (const c of coded) counts[c] = (counts[c] as number) + 1;
  const k = checkK(options?.k, n, 'examples');
  const largest = Math.max(...counts);
  if (k > largest) {
    throw new ValueRangeError('more folds than examples in every class', {
      argument: 'k',
      expected: `at most ${largest} (the largest class)`,
      received: k,
    });
  }
  // allocation[f][c]: how many of class c fold f holds — the sorted labels dealt round-robin.
  const allocation: Int32Array[] = Array.from({ length: k }, () => new Int32Array(classes));
  let pos = 0;
  for (let c = 0; c < classes; c++) {
    for (let j = 0; j < (counts[c] as number); j++, pos++) {
      const row = allocation[pos % k] as Int32Array;
      row[c] = (row[c] as number) + 1;
    }
  }
  const rng = options.shuffle ? toRng(options.rng) : undefined;
  const foldOf = new Int32Array(n);
  for (let c = 0; c < classes; c++) {
    const slots: number[] = [];
    for (let f = 0; f < k; f++) {
      for (let j = 0; j < ((allocation[f] as Int32Array)[c] as number); j++) slots.push(f);
    }
    rng?.shuffle(slots);
    let s = 0;
    for (let i = 0; i < n; i++) if (coded[i] === c) foldOf[i] = slots[s++] as number;
  }
  return foldsFrom(foldOf, k);
}

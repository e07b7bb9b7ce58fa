import { assertNumber, type Rng, toRng, ValueRangeError } from '@trainkit/core';

/** One split of a cross-validation: example indices, each part in ascending order. */
export interface Fold {
  /** Indices of the examples trained on. */
  train: Int32Array;
  /** Indices of the held-out examples (scikit-learn's `test`). */
  validation: Int32Array;
}

/** Options of {@link kFold}. */
export interface KFoldOptions {
  /** Number of folds, an integer in `[2, n]`. Default 5. */
  k?: number;
  /** Shuffle the examples before cutting the folds (default `false`: contiguous blocks, as scikit-learn). */
  shuffle?: boolean;
  /** Seed or `Rng` of the shuffle (default seed 0). Ignored without `shuffle`. */
  rng?: Rng | number;
}

/**
 * k-fold cross-validation splits of `n` examples with scikit-learn's `KFold` semantics: the
 * held-out parts partition the examples; the first `n % k` have `floor(n / k) + 1` examples,
 * the others `floor(n / k)`; without `shuffle` they are consecutive blocks in order (exactly
 * scikit-learn's indices), with it the blocks of a seeded permutation (the permutation is
 * trainkit's, the sizes are scikit-learn's).
 *
 * @example
 * for (const { train, validation } of kFold(ds.size, { k: 5, shuffle: true, rng: 0 })) {
 *   const model = trainOn(ds.subset(train)); score(model, ds.subset(validation));
 * }
 */
export function kFold(n: number, options: KFoldOptions = {}): Fold[] {
  assertNumber('n', n, { min: 1, integer: true });
  const k = checkK(options?.k, n, 'examples');
  const order = options.shuffle
    ? toRng(options.rng).permutation(n)
    : Int32Array.from({ length: n }, (_, i) => i);
  const foldOf = new Int32Array(n);
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let j = start; j < start + size; j++) foldOf[order[j] as number] = f;
    start += size;
  }
  return foldsFrom(foldOf, k);
}

/** Validates `k` against the number of examples (scikit-learn refuses k > n and k < 2). */
export function checkK(k: unknown, n: number, what: string): number {
  const kk = assertNumber('k', k ?? 5, { min: 2, integer: true });
  if (kk > n) {
    throw new ValueRangeError(`more folds than ${what}`, {
      argument: 'k',
      expected: `at most ${n} (the number of ${what})`,
      received: kk,
    });
  }
  return kk;
}

/** The folds of an assignment `foldOf[i]` of every example to its held-out fold. */
export function foldsFrom(foldOf: Int32Array, k: number): Fold[] {
  const n = foldOf.length;
  const sizes = new Int32Array(k);
  for (const f of foldOf) sizes[f] = (sizes[f] as number) + 1;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const validation = new Int32Array(sizes[f] as number);
    const train = new Int32Array(n - (sizes[f] as number));
    let v = 0;
    let t = 0;
    for (let i = 0; i < n; i++) {
      if (foldOf[i] === f) validation[v++] = i;
      else train[t++] = i;
    }
    folds.push({ train, validation });
  }
  return folds;
}

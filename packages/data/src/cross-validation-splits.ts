import type { Rng } from '@trainkit/core';
import type { Dataset } from './dataset';
import { kFold } from './k-fold';
import { stratifiedKFold } from './stratified-k-fold';

/** Options of {@link crossValidationSplits}. */
export interface CrossValidationOptions {
  /** Number of folds (default 5). */
  k?: number;
  /** Keep each class's proportion in every fold ({@link stratifiedKFold}; default `false`). */
  stratify?: boolean;
  /** Shuffle before cutting the folds (default `false`). */
  shuffle?: boolean;
  /** Seed or `Rng` of the shuffle (default seed 0). */
  rng?: Rng | number;
}

/**
 * The k train / validation datasets of a cross-validation of `ds`, made one at a time as the
 * loop asks for them (a fold's two copies exist only while it is used). Each part keeps the
 * original order of its examples.
 *
 * @example
 * for (const { fold, train, validation } of crossValidationSplits(ds, { k: 5, stratify: true, shuffle: true, rng: 0 })) {
 *   scores.push(await trainAndScore(train, validation));
 * }
 */
export function* crossValidationSplits(
  ds: Dataset,
  options: CrossValidationOptions = {},
): Generator<{ fold: number; train: Dataset; validation: Dataset }, void, void> {
  const folds = options.stratify ? stratifiedKFold(ds.y, options) : kFold(ds.size, options);
  for (let f = 0; f < folds.length; f++) {
    const { train, validation } = folds[f] as { train: Int32Array; validation: Int32Array };
    yield { fold: f, train: ds.subset(train), validation: ds.subset(validation) };
  }
}

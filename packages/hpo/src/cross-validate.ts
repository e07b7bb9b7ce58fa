import { assertOneOf, ConfigError, NaNError } from '@trainkit/core';
import type { Objective, Trial } from './study';

/** The scores of a cross-validation. */
export interface CrossValidationResult {
  /** Mean of the fold scores: the trial's objective value. */
  mean: number;
  /** Their standard deviation, population form (numpy's `scores.std()`, ddof 0). */
  std: number;
  /** Each fold's score, in fold order. */
  scores: number[];
}

export interface CrossValidateOptions {
  /**
   * What `trial.report(fold, value)` receives after each fold: `'mean'` (default), the running
   * mean of the folds so far — every trial scores the same folds in the same order, so pruners
   * compare like with like and a lucky first fold weighs less — or `'fold'`, the fold's score.
   */
  report?: 'mean' | 'fold';
  /** Ask the study's pruner after each fold and end the trial as pruned if it says so. Default true. */
  prune?: boolean;
}

/**
 * Scores a trial by k-fold cross-validation: runs `scoreFold` on each fold in turn, reports
 * after each fold (step = fold index) so the study's pruner can stop a hopeless trial before its
 * last fold, records `cv_scores`, `cv_mean` and `cv_std` as user attributes, and returns the
 * mean, standard deviation and scores. The folds are whatever `scoreFold` needs — typically
 * `kFold` / `stratifiedKFold` index splits from @trainkit/data.
 *
 * @example
 * const folds = stratifiedKFold(ds.y, { k: 5, shuffle: true, rng: 0 }); // @trainkit/data
 * await study.optimize(async (trial) => {
 *   const lr = await trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
 *   const { mean } = await crossValidate(trial, folds, (fold) =>
 *     trainAndScore(lr, ds.subset(fold.train), ds.subset(fold.validation)));
 *   return mean;
 * });
 */
export async function crossValidate<F>(
  trial: Trial,
  folds: readonly F[],
  scoreFold: (fold: F, index: number) => number | Promise<number>,
  options: CrossValidateOptions = {},
): Promise<CrossValidationResult> {
  if (!trial || typeof (trial as Trial).report !== 'function') {
    throw new ConfigError('not a trial', {
      argument: 'trial',
      expected: 'the Trial an objective receives',
      received: trial,
    });
  }
  if (!Array.isArray(folds) || folds.length < 2) {
    throw new ConfigError('a cross-validation needs at least two folds', {
      argument: 'folds',
      expected: 'an array of k >= 2 folds (e.g. kFold(n, { k: 5 }))',
      received: folds,
    });
  }
  if (typeof scoreFold !== 'function') {
    throw new ConfigError('must be a function', {
      argument: 'scoreFold',
      expected: '(fold, index) => score',
      received: scoreFold,
    });
  }
  const report = assertOneOf('report', options?.report ?? 'mean', ['mean', 'fold'] as const);
  const prune = options.prune ?? true;
  const scores: number[] = [];
  for (let i = 0; i < folds.length; i++) {
    const s = await scoreFold(folds[i] as F, i);
    if (typeof s !== 'number' || !Number.isFinite(s)) {
      throw new NaNError(`fold ${i} scored ${s}`, {
        argument: `scoreFold(folds[${i}])`,
        expected: 'a finite number',
        received: s,
      });
    }
    scores.push(s);
    await trial.report(i, report === 'mean' ? mean(scores) : s);
    if (prune && i < folds.length - 1 && (await trial.shouldPrune())) {
      await trial.setUserAttr('cv_scores', scores);
      trial.prune();
    }
  }
  const m = mean(scores);
  const std = Math.sqrt(scores.reduce((a, s) => a + (s - m) ** 2, 0) / scores.length);
  await trial.setUserAttr('cv_scores', scores);
  await trial.setUserAttr('cv_mean', m);
  await trial.setUserAttr('cv_std', std);
  return { mean: m, std, scores };
}

/**
 * An objective that scores every trial by k-fold cross-validation ({@link crossValidate}) and
 * returns the mean. `scoreFold` suggests the trial's parameters (suggesting a name again returns
 * the same value, so it may do so on every fold) and trains and scores one fold.
 *
 * @example
 * const folds = kFold(ds.size, { k: 5, shuffle: true, rng: 0 });
 * await study.optimize(crossValidatedObjective(folds, async (trial, fold) => {
 *   const lr = await trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
 *   return trainAndScore(lr, ds.subset(fold.train), ds.subset(fold.validation));
 * }), { nTrials: 30 });
 */
export function crossValidatedObjective<F>(
  folds: readonly F[],
  scoreFold: (trial: Trial, fold: F, index: number) => number | Promise<number>,
  options: CrossValidateOptions = {},
): Objective {
  if (typeof scoreFold !== 'function') {
    throw new ConfigError('must be a function', {
      argument: 'scoreFold',
      expected: '(trial, fold, index) => score',
      received: scoreFold,
    });
  }
  return async (trial) => {
    const { mean } = await crossValidate(trial, folds, (f, i) => scoreFold(trial, f, i), options);
    return mean;
  };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

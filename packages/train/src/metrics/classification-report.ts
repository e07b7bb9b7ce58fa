import { ConfigError, ShapeError } from '@trainkit/core';

/** Precision, recall and F1 of one class or one average. */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/** One class of a {@link ClassificationReport}. */
export interface ClassScores extends PrecisionRecallF1 {
  label: string;
  /** Examples whose true class this is. */
  support: number;
}

/** Per-class and averaged precision, recall and F1, with the confusion matrix they come from. */
export interface ClassificationReport {
  /** Class names, `'0'`, `'1'`, ... unless given. */
  labels: string[];
  /** Row = true class, column = predicted class (counts). */
  confusionMatrix: number[][];
  perClass: ClassScores[];
  /** Unweighted mean over the classes (every class counts the same, absent ones included). */
  macro: PrecisionRecallF1;
  /** From the summed counts; for single-label classification all three equal the accuracy. */
  micro: PrecisionRecallF1;
  /** Mean over the classes weighted by their support. */
  weighted: PrecisionRecallF1;
  accuracy: number;
  /** Number of examples. */
  support: number;
}

/** `'macro' | 'micro' | 'weighted'`, as scikit-learn's `average`. */
export type Average = 'macro' | 'micro' | 'weighted';

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const harmonic = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/**
 * Precision `tp / (tp + fp)`, recall `tp / (tp + fn)` and `F1 = 2pr / (p + r)` per class from a
 * confusion matrix (row = true, column = predicted), and their macro, micro and support-weighted
 * averages, as scikit-learn's `precision_recall_fscore_support` with `zero_division=0`: a ratio
 * with nothing to divide by (a class never predicted, or never present) is 0. Plain numbers.
 *
 * @example
 * const r = classificationReport([[5, 1], [2, 4]], { labels: ['cat', 'dog'] });
 * r.perClass[0].precision; // 5 / 7
 * r.macro.f1; r.accuracy; // 0.75
 */
export function classificationReport(
  matrix: number[][],
  options: { labels?: string[] } = {},
): ClassificationReport {
  const c = Array.isArray(matrix) ? matrix.length : 0;
  if (
    c === 0 ||
    !matrix.every(
      (row) =>
        Array.isArray(row) &&
        row.length === c &&
        row.every((v) => Number.isInteger(v) && (v as number) >= 0),
    )
  ) {
    throw new ShapeError('a confusion matrix is a square array of counts', {
      argument: 'matrix',
      expected: 'C x C non-negative integers, C >= 1',
      received: matrix,
    });
  }
  const labels = options.labels ?? [...Array(c).keys()].map(String);
  if (!Array.isArray(labels) || labels.length !== c) {
    throw new ConfigError('one label per class', {
      argument: 'labels',
      expected: `${c} names`,
      received: labels,
    });
  }
  const support = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const predicted = matrix[0]!.map((_, j) => matrix.reduce((a, row) => a + row[j]!, 0));
  const tp = matrix.map((row, i) => row[i]!);
  const total = support.reduce((a, b) => a + b, 0);
  const perClass = labels.map((label, i): ClassScores => {
    const precision = ratio(tp[i]!, predicted[i]!);
    const recall = ratio(tp[i]!, support[i]!);
    return { label, precision, recall, f1: harmonic(precision, recall), support: support[i]! };
  });
  const mean = (key: keyof PrecisionRecallF1, w: (i: number) => number, norm: number) =>
    ratio(
      perClass.reduce((a, s, i) => a + s[key] * w(i), 0),
      norm,
    );
  const macro = {
    precision: mean('precision', () => 1, c),
    recall: mean('recall', () => 1, c),
    f1: mean('f1', () => 1, c),
  };
  const weighted = {
    precision: mean('precision', (i) => support[i]!, total),
    recall: mean('recall', (i) => support[i]!, total),
    f1: mean('f1', (i) => support[i]!, total),
  };
  const tpSum = tp.reduce((a, b) => a + b, 0);
  const microP = ratio(
    tpSum,
    predicted.reduce((a, b) => a + b, 0),
  );
  const microR = ratio(tpSum, total);
  return {
    labels: [...labels],
    confusionMatrix: matrix.map((row) => [...row]),
    perClass,
    macro,
    micro: { precision: microP, recall: microR, f1: harmonic(microP, microR) },
    weighted,
    accuracy: ratio(tpSum, total),
    support: total,
  };
}

/** One score of a report: an average, or one class (`classIndex`). */
export function scoreOf(
  report: ClassificationReport,
  key: keyof PrecisionRecallF1,
  average: Average | undefined,
  classIndex: number | undefined,
): number {
  if (classIndex !== undefined) return report.perClass[classIndex]?.[key] ?? 0;
  return report[average ?? 'macro'][key];
}

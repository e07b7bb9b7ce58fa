import { ConfigError } from '@trainkit/core';
import type { ClassificationRecord } from './records';

/** Where a {@link classificationRecord} comes from. */
export interface ClassificationRecordOptions {
  /** Which data was evaluated. Default `'test'`. */
  split?: string;
  step?: number;
  epoch?: number;
}

/**
 * A run record of a classification report (from `@trainkit/train`'s
 * `evaluate(..., { classification })`), for `run.add(...)`: the HTML report then shows its
 * per-class table and confusion matrix, TensorBoard its averaged scores. The report is copied.
 *
 * @example
 * const { classification } = await evaluate(model, test, { loss, classification: { labels } });
 * mon.run.add(classificationRecord(classification, { split: 'test', epoch: 9 }));
 */
export function classificationRecord(
  report: Omit<ClassificationRecord, 'type' | 'split' | 'step' | 'epoch'>,
  options: ClassificationRecordOptions = {},
): ClassificationRecord {
  const m = report?.confusionMatrix;
  if (!Array.isArray(m) || !Array.isArray(report.labels) || m.length !== report.labels.length) {
    throw new ConfigError('not a classification report', {
      argument: 'report',
      expected:
        'labels and a square confusionMatrix of the same size (evaluate(..., { classification }))',
      received: report,
    });
  }
  const copy = JSON.parse(JSON.stringify(report)) as typeof report;
  return {
    type: 'classification',
    split: options.split ?? 'test',
    ...(options.step === undefined ? {} : { step: options.step }),
    ...(options.epoch === undefined ? {} : { epoch: options.epoch }),
    labels: copy.labels,
    confusionMatrix: copy.confusionMatrix,
    perClass: copy.perClass,
    macro: copy.macro,
    micro: copy.micro,
    weighted: copy.weighted,
    accuracy: copy.accuracy,
    support: copy.support,
  };
}

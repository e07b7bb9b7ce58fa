import { ConfigError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { classificationRecord } from './classification-record';
import { htmlReport } from './html-report';
import { formatJsonl, parseJsonl } from './jsonl';
import { RunLog } from './records';
import { recordToTbValues } from './tensorboard-sink';

// By hand from [[5, 1], [2, 4]] (rows true, columns predicted):
// cat: precision 5/7, recall 5/6; dog: precision 4/5, recall 4/6; accuracy 9/12.
const p = [5 / 7, 4 / 5];
const r = [5 / 6, 4 / 6];
const f = p.map((v, i) => (2 * v * r[i]!) / (v + r[i]!));
const report = {
  labels: ['cat', '<dog>'],
  confusionMatrix: [
    [5, 1],
    [2, 4],
  ],
  perClass: [
    { label: 'cat', precision: p[0]!, recall: r[0]!, f1: f[0]!, support: 6 },
    { label: '<dog>', precision: p[1]!, recall: r[1]!, f1: f[1]!, support: 6 },
  ],
  macro: { precision: (p[0]! + p[1]!) / 2, recall: 0.75, f1: (f[0]! + f[1]!) / 2 },
  micro: { precision: 0.75, recall: 0.75, f1: 0.75 },
  weighted: { precision: (p[0]! + p[1]!) / 2, recall: 0.75, f1: (f[0]! + f[1]!) / 2 },
  accuracy: 0.75,
  support: 12,
};

describe('classificationRecord', () => {
  it('makes a plain, copied record that survives JSONL', () => {
    const rec = classificationRecord(report, { split: 'validation', epoch: 2, step: 99 });
    expect(rec).toMatchObject({ type: 'classification', split: 'validation', epoch: 2, step: 99 });
    expect(rec.confusionMatrix).toEqual(report.confusionMatrix);
    expect(rec.confusionMatrix).not.toBe(report.confusionMatrix);
    const run = new RunLog([rec]);
    const back = parseJsonl(formatJsonl(run.records));
    expect(back.classifications).toEqual([rec]);
  });

  it('shows per-class scores and the confusion matrix in the HTML report (escaped)', () => {
    const run = new RunLog();
    run.add(classificationRecord({ ...report, accuracy: 0.5 }, { split: 'test' }));
    run.add(classificationRecord(report, { split: 'test', epoch: 4 })); // the last one wins
    const html = htmlReport(run, { uplot: { js: '', css: '' } });
    expect(html).toContain('<h2>Classification</h2>');
    expect(html).toContain('test, epoch 5: accuracy 0.750, macro F1');
    expect(html).not.toContain('accuracy 0.500');
    expect(html).toContain(`<td>${(5 / 7).toFixed(3)}</td><td>${(5 / 6).toFixed(3)}</td>`);
    expect(html).toContain('&#60;dog&#62;');
    expect(html).not.toContain('<dog>');
    // Diagonal cells green with the row fraction: 5 of 6 cats.
    expect(html).toContain('rgba(44,160,44,0.833)" title="true cat, predicted cat">5</td>');
    expect(html).toContain(
      'rgba(214,39,40,0.333)" title="true &#60;dog&#62;, predicted cat">2</td>',
    );
    // No section without classification records.
    expect(htmlReport(new RunLog(), { uplot: { js: '', css: '' } })).not.toContain(
      'Classification',
    );
  });

  it('writes the averaged scores to TensorBoard', () => {
    const out = recordToTbValues(classificationRecord(report, { split: 'test', step: 7 }));
    expect(out?.step).toBe(7);
    const tags = Object.fromEntries(
      out!.values.map((v) => [v.tag, (v as { scalar?: number }).scalar]),
    );
    expect(tags['classification/test/accuracy']).toBe(0.75);
    expect(tags['classification/test/f1_macro']).toBeCloseTo((f[0]! + f[1]!) / 2, 12);
    expect(Object.keys(tags)).toHaveLength(10);
  });

  it('rejects what is not a report', () => {
    expect(() => classificationRecord({} as typeof report)).toThrow(ConfigError);
    expect(() =>
      classificationRecord({ ...report, labels: ['only one'] }, { split: 'test' }),
    ).toThrow(/report/);
  });
});

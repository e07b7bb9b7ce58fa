import { describe, expect, it } from 'vitest';
import {
  optimizationHistorySvg,
  parallelCoordinatesSvg,
  sliceSvgs,
  studyReportHtml,
} from './plots';
import { randomSampler } from './random-sampler';
import { createStudy } from './study';

async function study() {
  const s = await createStudy({ sampler: randomSampler(), seed: 3 });
  await s.optimize(
    async (t) =>
      (await t.suggestFloat('lr', 1e-4, 1, { log: true })) +
      ((await t.suggestCategorical('act', ['relu', 'tanh'])) === 'relu' ? 0 : 1),
    { nTrials: 12 },
  );
  return s;
}

describe('study plots', () => {
  it('draws one mark per complete trial in each plot, and a best-so-far line that never gets worse', async () => {
    const s = await study();
    const history = optimizationHistorySvg(s.trials);
    expect(history.match(/<circle class="trial"/g)).toHaveLength(12);
    const pts = /<polyline fill="none" stroke="#d62728" stroke-width="2" points="([^"]+)"/
      .exec(history)![1]!
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    // SVG y grows downwards: for minimisation the best-so-far line only moves down the page (y increases).
    for (let i = 1; i < pts.length; i++) expect(pts[i]!).toBeGreaterThanOrEqual(pts[i - 1]!);
    expect(parallelCoordinatesSvg(s.trials).match(/<polyline class="trial"/g)).toHaveLength(12);
    const slices = sliceSvgs(s.trials);
    expect(slices).toHaveLength(2);
    expect(slices[0]).toContain('lr (log scale)');
    const html = studyReportHtml(s.trials, { title: 'lr <search>' });
    expect(html).toContain('<title>lr &#60;search&#62;</title>');
    expect(html).not.toMatch(/<script|(src|href)="https?:/);
    expect(html.match(/<tr><td>\d+<\/td>/g)).toHaveLength(12);
  });

  it('copes with a study without complete trials', () => {
    expect(optimizationHistorySvg([])).toContain('Optimization history');
    expect(studyReportHtml([])).toContain('Too few complete trials');
  });
});

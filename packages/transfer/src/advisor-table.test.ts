// The advisor against the recorded four-case table (experiment-results/*.json, README "The
// four-case experiment"): with the probes each row measured, the plan must be the best measured
// strategy or within 2 points of it in every row. The probe rule's two margins were chosen by
// looking at these rows, so this guards the rule; it is not an independent validation of it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LayerProbe, SimilarityResult } from './measure-similarity';
import { recommendStrategy } from './recommend-strategy';

const DIR = fileURLToPath(new URL('../experiment-results', import.meta.url));

interface Row {
  case: string;
  size: 'small' | 'large';
  perClass: number;
  advisor: { score: number; verdict: 'similar' | 'different'; probes: LayerProbe[] };
  a: { acc: number };
  b: { acc: number };
  c: { acc: number };
  d: { acc: number };
}

/** The epochs (c) and (d) trained for in the table: small 5 (Darknet 3), large 2 (Fashion 5-9: 3). */
function epochsOf(r: Row): number {
  if (r.size === 'small') return r.case.startsWith('darknet') ? 3 : 5;
  return r.case.startsWith('fashion04') ? 3 : 2;
}

function similarityOf(r: Row): SimilarityResult {
  const probes = r.advisor.probes;
  const top = probes.reduce((a, b) => (b.depth > a.depth ? b : a));
  const best = probes.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const bestModel = probes
    .filter((p) => p.depth >= 0)
    .reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  return {
    score: r.advisor.score,
    verdict: r.advisor.verdict,
    threshold: 0.9,
    topLayer: top.layer,
    bestLayer: best.layer,
    bestModelLayer: bestModel.layer,
    chance: 0.1,
    probes,
    examples: 600,
    reason: 'recorded',
  };
}

const rows = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Row] as const);

describe('the advisor on the recorded four-case table', () => {
  it('has the nine rows', () => {
    expect(rows).toHaveLength(9);
  });

  for (const [file, r] of rows) {
    it(`${file}: best or within 2 points`, () => {
      const plan = recommendStrategy({
        targetSize: r.perClass,
        similarity: similarityOf(r),
        epochs: epochsOf(r),
      });
      const acc: Record<string, number> = {
        'linear-on-top-codes': r.a.acc,
        'linear-on-earlier-codes': r.b.acc,
        'fine-tune-all': r.c.acc,
        'fine-tune-or-scratch': Math.max(r.c.acc, r.d.acc),
      };
      const best = Math.max(r.a.acc, r.b.acc, r.c.acc, r.d.acc);
      expect(best - acc[plan.strategy]!).toBeLessThanOrEqual(0.02);
    });
  }

  it('darknet224-cifar10-small.json (224x224, rows (a) and (b) only): picks the better of them', () => {
    const r = JSON.parse(
      readFileSync(
        join(DIR, '..', 'experiment-results-224', 'darknet224-cifar10-small.json'),
        'utf8',
      ),
    ) as Row;
    const plan = recommendStrategy({
      targetSize: r.perClass,
      similarity: similarityOf(r),
      epochs: 3,
    });
    expect(plan.strategy).toBe('linear-on-top-codes');
    expect(r.a.acc).toBeGreaterThanOrEqual(r.b.acc);
  });

  it('names the rule in its reason, and plans codes when the epochs are too few to fine-tune', () => {
    const fashion = rows.find(([f]) => f === 'fashion04-fashion59-large.json')![1];
    const plan = recommendStrategy({ targetSize: 1000, similarity: similarityOf(fashion) });
    expect(plan.strategy).toBe('linear-on-earlier-codes');
    expect(plan.reason).toMatch(
      /the linear probe on pool2 codes \(94\.2%\) beats the top codes codes \(89\.8%\) by 4\.3 points and the raw pixels \(88\.3%\) by 5\.8 points/,
    );
    const off = recommendStrategy({
      targetSize: 1000,
      similarity: similarityOf(fashion),
      earlierMargin: 1,
    });
    expect(off.strategy).toBe('fine-tune-all');
    const short = recommendStrategy({ targetSize: 1000, similarity: 'similar', epochs: 1 });
    expect(short.strategy).toBe('linear-on-top-codes');
    expect(short.reason).toMatch(/only 1 epoch of training \(fewer than 2\)/);
    expect(recommendStrategy({ targetSize: 1000, similarity: 'similar', epochs: 2 }).strategy).toBe(
      'fine-tune-all',
    );
    expect(() => recommendStrategy({ targetSize: 10, similarity: 'similar', epochs: 0 })).toThrow(
      /options\.epochs/,
    );
  });
});

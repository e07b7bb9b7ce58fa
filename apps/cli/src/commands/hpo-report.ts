// The study report of `trainkit hpo`: best trial, parameter importances, report.html and PNGs.
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  type FrozenTrial,
  importancePng,
  optimizationHistoryPng,
  parallelCoordinatesPng,
  paramImportances,
  slicePngs,
  studyReportHtml,
} from '@trainkit/hpo';
import { writeFileAtomic, writeJsonAtomic } from '../write-atomic';
import { formatParams, type HpoSettings } from './hpo-config';

const deflate = (b: Uint8Array) => new Uint8Array(deflateSync(b));

/** What best.json holds. */
export interface HpoBest {
  number: number;
  metric: string;
  value: number;
  params: FrozenTrial['params'];
  runDir?: string;
  testAccuracy?: number;
  importances?: Record<string, number>;
  counts: Record<string, number>;
}

/** The best complete trial of a single-objective study, or undefined. */
export function bestTrial(
  trials: FrozenTrial[],
  direction: 'minimize' | 'maximize',
): FrozenTrial | undefined {
  const sign = direction === 'minimize' ? 1 : -1;
  let best: FrozenTrial | undefined;
  for (const t of trials) {
    if (t.state !== 'complete' || !Number.isFinite(t.values?.[0])) continue;
    if (!best || sign * t.values![0]! < sign * best.values![0]!) best = t;
  }
  return best;
}

/** Writes report.html, history.png, parallel.png, importance.png, slice-<param>.png and best.json; returns the lines to print. */
export function writeStudyReport(dir: string, s: HpoSettings, trials: FrozenTrial[]): string[] {
  const counts: Record<string, number> = { complete: 0, pruned: 0, failed: 0, running: 0 };
  for (const t of trials) counts[t.state] = (counts[t.state] ?? 0) + 1;
  const lines = [
    `study ${s.study}: ${trials.length} trials (${counts.complete} complete, ${counts.pruned} pruned, ${counts.failed} failed${counts.running ? `, ${counts.running} running` : ''}), budget ${s.trials}`,
  ];
  const report = join(dir, 'report.html');
  writeFileAtomic(
    report,
    studyReportHtml(trials, { title: `trainkit hpo ${s.study}`, direction: s.direction }),
  );
  writeFileAtomic(
    join(dir, 'history.png'),
    optimizationHistoryPng(trials, s.direction, { deflate }),
  );
  writeFileAtomic(
    join(dir, 'parallel.png'),
    parallelCoordinatesPng(trials, s.direction, { deflate }),
  );
  writeFileAtomic(join(dir, 'importance.png'), importancePng(trials, { deflate }));
  const best = bestTrial(trials, s.direction);
  if (best) {
    for (const [name, png] of Object.entries(slicePngs(trials, { deflate })))
      writeFileAtomic(join(dir, `slice-${name.replace(/[^A-Za-z0-9_-]/g, '_')}.png`), png);
  }
  let importances: Record<string, number> | undefined;
  try {
    importances = paramImportances(trials);
  } catch {
    importances = undefined; // fewer than 4 complete trials
  }
  if (best) {
    const entry: HpoBest = {
      number: best.number,
      metric: s.metric,
      value: best.values![0]!,
      params: best.params,
      counts,
      ...(typeof best.userAttrs.runDir === 'string' ? { runDir: best.userAttrs.runDir } : {}),
      ...(typeof best.userAttrs.testAccuracy === 'number'
        ? { testAccuracy: best.userAttrs.testAccuracy }
        : {}),
      ...(importances ? { importances } : {}),
    };
    writeJsonAtomic(join(dir, 'best.json'), entry);
    lines.push(
      `best trial ${best.number}: ${s.metric} ${entry.value.toFixed(4)}${entry.testAccuracy === undefined ? '' : ` (test accuracy ${entry.testAccuracy.toFixed(4)})`}  ${formatParams(best.params)}`,
    );
    if (entry.runDir) lines.push(`best run: ${entry.runDir}`);
  } else lines.push('no complete trial yet');
  if (importances) {
    lines.push(
      `importance: ${Object.entries(importances)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`)
        .join(', ')}`,
    );
  } else lines.push('importance: needs at least 4 complete trials');
  lines.push(`report: ${report}`);
  return lines;
}

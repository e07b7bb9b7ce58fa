import { IOError } from '@trainkit/core';
import { type MonitorRecord, RunLog } from './records';

const TYPES = new Set([
  'begin',
  'step',
  'layer',
  'activation',
  'filters',
  'epoch',
  'end',
  'classification',
]);

/** One JSON object per line; non-finite numbers are written as strings ("NaN", "Infinity"). */
export function formatJsonl(records: Iterable<MonitorRecord>): string {
  let s = '';
  for (const r of records) {
    s += `${JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}\n`;
  }
  return s;
}

/**
 * Reads JSONL written by {@link formatJsonl} or the JSONL sink back into a {@link RunLog}.
 * A malformed line -> IOError naming the line; a truncated last line (a run killed while
 * writing) is skipped.
 */
export function parseJsonl(text: string, source = 'jsonl'): RunLog {
  const lines = text.split('\n');
  const run = new RunLog();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let r: MonitorRecord;
    try {
      r = JSON.parse(line, (_k, v) =>
        v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v,
      );
    } catch (cause) {
      if (i === lines.length - 1) return; // a partial last line
      throw new IOError(`line ${i + 1} is not JSON`, {
        argument: source,
        expected: 'one JSON record per line',
        cause,
      });
    }
    if (!r || typeof r !== 'object' || !TYPES.has((r as { type?: string }).type ?? '')) {
      throw new IOError(`line ${i + 1} is not a monitor record`, {
        argument: source,
        expected: `a record with type ${[...TYPES].join('|')}`,
        received: r,
      });
    }
    run.add(r);
  });
  return run;
}

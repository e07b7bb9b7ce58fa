import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IOError } from '@trainkit/core';
import { diagnose, type RunLog } from '@trainkit/monitors';
import { readJsonl, writeHtmlReport, writeLossPng } from '@trainkit/monitors/node';
import type { Parsed } from '../args';
import { formatFindings } from '../format';

/** Reads `<dir>/metrics.jsonl` (or the file itself when given one). */
export function readRun(dirOrFile: string): RunLog {
  const file =
    existsSync(dirOrFile) && statSync(dirOrFile).isDirectory()
      ? join(dirOrFile, 'metrics.jsonl')
      : dirOrFile;
  if (!existsSync(file)) {
    throw new IOError('no metrics.jsonl found', {
      argument: '<run-dir>',
      expected: 'a run folder written by trainkit train (with metrics.jsonl)',
      received: dirOrFile,
    });
  }
  const run = readJsonl(file);
  if (run.records.length === 0) {
    throw new IOError('metrics.jsonl is empty', {
      argument: file,
      expected: 'at least one record',
    });
  }
  return run;
}

function describe(run: RunLog): string {
  const steps = run.steps;
  const last = run.epochs.at(-1);
  const logs = last
    ? Object.entries(last.logs)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join(', ')
    : 'no epoch finished';
  return `${steps.length} steps, ${run.epochs.length} epochs recorded; last epoch: ${logs}`;
}

export async function report(parsed: Parsed, log: (s: string) => void): Promise<number> {
  const dir = parsed.positionals[0] as string;
  const run = readRun(dir);
  const base = existsSync(dir) && statSync(dir).isDirectory() ? dir : join(dir, '..');
  const out = (parsed.options.out as string | undefined) ?? join(base, 'report.html');
  writeHtmlReport(run, out, (parsed.options.title as string | undefined) ?? `trainkit run ${dir}`);
  const png = writeLossPng(run, join(base, 'loss.png'));
  log(`run: ${describe(run)}`);
  log(formatFindings(diagnose(run)));
  log(`report: ${resolve(out)}`);
  log(`loss curve: ${resolve(png)}`);
  return 0;
}

export async function diagnoseCommand(parsed: Parsed, log: (s: string) => void): Promise<number> {
  const run = readRun(parsed.positionals[0] as string);
  const findings = diagnose(run);
  if (parsed.options.json) log(JSON.stringify(findings, null, 2));
  else {
    log(`run: ${describe(run)}`);
    log(formatFindings(findings));
  }
  return 0;
}

// Fault injection for studies: a worker on the journal file is killed (strace
// `inject=write:signal=KILL`) at several of its journal writes, runs out of disk (injected ENOSPC),
// or leaves a torn last line; a worker on PostgreSQL is killed with SIGKILL in the middle of its
// work. After each fault a new worker recovers the dead one's trials and finishes the study, which
// must end exactly as the uninterrupted study: the same complete trials (grid points and values)
// and the same best value. Journal faults need strace (skipped with a message otherwise).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PgCluster, pgSkipReason, startPgCluster } from '@trainkit/test-utils/pg-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = new URL('.', import.meta.url).pathname;
const worker = join(here, '..', 'test', 'fault-worker.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  child: ChildProcess;
}
function start(
  kind: string,
  where: string,
  strace: string[] = [],
  study = 'faults',
  pauseAt?: string,
) {
  const node = ['--conditions=@trainkit/source', '--import', 'tsx', worker, kind, where, study];
  if (pauseAt) node.push(pauseAt);
  const child = strace.length
    ? spawn('strace', ['-f', '-qq', ...strace, '-o', '/dev/null', process.execPath, ...node], {
        cwd: join(here, '..'),
      })
    : spawn(process.execPath, node, { cwd: join(here, '..') });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<Outcome>((r) =>
    child.on('close', (code, signal) => r({ code, signal, stdout, stderr, child })),
  );
  // resolves once the worker says it stopped in the middle of a trial (see test/fault-worker.ts)
  const paused = new Promise<void>((r, reject) => {
    child.stdout?.on('data', () => stdout.includes('paused\n') && r());
    child.on('close', () => reject(new Error(`the worker ended before pausing: ${stderr}`)));
  });
  paused.catch(() => {});
  return { child, done, paused };
}
const result = (o: Outcome) => JSON.parse(o.stdout.trim().split('\n').at(-1) ?? '{}');

function straceSkip(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux (strace)';
  const r = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
  if (r.error) return 'strace is not installed (apt-get install strace)';
  return r.status === 0 ? undefined : 'strace cannot trace here (ptrace not permitted)';
}
const noStrace = straceSkip();
if (noStrace) console.log(`[hpo] journal fault-injection tests skipped: ${noStrace}`);
const noPg = pgSkipReason();
if (noPg) console.log(`[hpo] PostgreSQL fault-injection test skipped: ${noPg}`);

describe.skipIf(noStrace)('a study on the journal file under injected faults', () => {
  it('kills at journal writes, a full disk and a torn line: the study ends as the uninterrupted one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-hpo-faults-'));
    const base = await start('journal', join(dir, 'base.jsonl')).done;
    expect(base.code).toBe(0);
    const want = result(base);
    expect(want.done).toHaveLength(6);

    const faults: { name: string; strace?: (p: string) => string[]; tear?: boolean }[] = [
      ...[1, 3, 8, 15, 24].map((n) => ({
        name: `kill at journal write #${n}`,
        strace: (p: string) => [
          '-P',
          p,
          '-e',
          'trace=write',
          '-e',
          `inject=write:signal=KILL:when=${n}`,
        ],
      })),
      {
        name: 'ENOSPC at journal write #6',
        strace: (p: string) => [
          '-P',
          p,
          '-e',
          'trace=write',
          '-e',
          'inject=write:error=ENOSPC:when=6',
        ],
      },
      { name: 'torn last line', tear: true },
    ];
    let identical = 0;
    const lost: string[] = [];
    await Promise.all(
      faults.map(async (f, i) => {
        const path = join(dir, `f${i}.jsonl`);
        if (f.strace) {
          const hit = await start('journal', path, f.strace(path)).done;
          if (f.name.startsWith('ENOSPC')) {
            // The failed append is an error naming the journal: the trial that made it fails
            // (recorded once the disk has room again) or the worker stops with it.
            const seen = hit.code === 0 ? readFileSync(path, 'utf8') : hit.stderr;
            expect(seen).toMatch(/no space left on the device/);
            expect(seen).toContain(path);
          } else expect(hit.code, `${f.name}: the fault did not fire`).not.toBe(0);
        } else {
          const first = await start('journal', path).done;
          expect(first.code).toBe(0);
        }
        if (f.tear) appendFileSync(path, '{"s":"faults","o":{"op":"report","num');
        const again = await start('journal', path).done;
        if (again.code !== 0) {
          lost.push(`${f.name}: the next worker exited ${again.code}: ${again.stderr.trim()}`);
          return;
        }
        // every line of the journal is whole JSON after the next worker's appends
        const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
        const torn = lines.filter((l, j) => {
          try {
            JSON.parse(l);
            return false;
          } catch {
            return j < lines.length - 1 || !f.tear;
          }
        });
        if (torn.length) lost.push(`${f.name}: corrupt lines ${torn.join(' | ')}`);
        else if (JSON.stringify(result(again)) === JSON.stringify(want)) identical += 1;
        else lost.push(`${f.name}: ended as ${JSON.stringify(result(again))}`);
      }),
    );
    console.log(
      `[hpo] journal fault injection: ${faults.length} faults injected, ${identical} studies finished identical, ${lost.length} lost`,
    );
    expect(lost).toEqual([]);
  }, 300_000);
});

describe.skipIf(noPg)('a study on PostgreSQL when a worker is killed (kill -9)', () => {
  let cluster: PgCluster;
  beforeAll(() => {
    cluster = startPgCluster();
  });
  afterAll(() => cluster?.stop());

  it('kill -9 in the middle of its work: the next worker recovers and the study ends as the uninterrupted one', async () => {
    const conn = JSON.stringify(cluster.connection);
    const base = await start('postgres', conn, [], 'base').done;
    expect(base.code, base.stderr).toBe(0);
    const want = result(base);
    let identical = 0;
    const lost: string[] = [];
    // killed in the middle of a trial (after a report, the trial running), early, midway and late
    for (const [study, pauseAt] of [
      ['k1', '0:1'],
      ['k2', '2:0'],
      ['k3', '4:2'],
    ] as const) {
      const w = start('postgres', conn, [], study, pauseAt);
      await w.paused;
      w.child.kill('SIGKILL');
      const killed = await w.done;
      expect(killed.signal, `${study}: the worker had ended before the kill`).toBe('SIGKILL');
      await sleep(1000); // its heartbeat goes stale (staleAfterMs 800)
      const again = await start('postgres', conn, [], study).done;
      if (again.code !== 0) lost.push(`${study}: exited ${again.code}: ${again.stderr.trim()}`);
      else if (JSON.stringify(result(again)) === JSON.stringify(want)) identical += 1;
      else lost.push(`${study}: ended as ${JSON.stringify(result(again))}`);
    }
    console.log(
      `[hpo] PostgreSQL: 3 workers killed with SIGKILL, ${identical} studies finished identical, ${lost.length} lost`,
    );
    expect(lost).toEqual([]);
  }, 300_000);
});

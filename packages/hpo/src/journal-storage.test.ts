import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { JournalFileStorage, workerAlive } from './journal-storage';
import { randomSampler } from './random-sampler';
import { createStudy } from './study';

const here = new URL('.', import.meta.url).pathname;
const worker = join(here, '..', 'test', 'storage-worker.ts');
function startWorker(journal: string, mode: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--conditions=@trainkit/source', '--import', 'tsx', worker, 'journal', journal, mode, journal],
    {
      cwd: join(here, '..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}
const exited = (p: ChildProcess) =>
  new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('journal file storage', () => {
  it('persists a study that a new process (here: a new Study object) resumes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tk-hpo-')), 'study.jsonl');
    const storage = new JournalFileStorage(path);
    const a = await createStudy({ name: 's', storage, sampler: randomSampler(), seed: 1 });
    await a.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 5 });
    const b = await createStudy({
      name: 's',
      storage: new JournalFileStorage(path),
      sampler: randomSampler(),
      seed: 2,
    });
    expect(b.trials.map((t) => t.params.x)).toEqual(a.trials.map((t) => t.params.x));
    await b.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
    expect(b.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // another study in the same file stays separate
    const c = await createStudy({
      name: 'other',
      storage,
      sampler: randomSampler(),
      direction: 'maximize',
    });
    expect(c.trials).toEqual([]);
    await expect(createStudy({ name: 's', storage, direction: 'maximize' })).rejects.toThrow(
      /exists with other directions/,
    );
  });

  it('ignores a torn last line and reports a corrupt line in the middle (IO error)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tk-hpo-')), 'j.jsonl');
    const s = await createStudy({
      name: 's',
      storage: new JournalFileStorage(path),
      sampler: randomSampler(),
    });
    await s.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
    appendFileSync(path, '{"s":"s","o":{"op":"fin');
    expect((await new JournalFileStorage(path).load('s')).trials).toHaveLength(2);
    appendFileSync(path, '\n{"s":"s","o":{"op":"report","number":0,"step":1,"value":1}}\n');
    try {
      await new JournalFileStorage(path).load('s');
      expect.unreachable();
    } catch (e) {
      expect(isTrainkitError(e, 'IO')).toBe(true);
      // 1 study line + 2 trials x (create, param, finish) = 7 lines, so the torn one is line 8
      expect((e as Error).message).toMatch(/journal line 8 is corrupt/);
    }
  });

  it('cuts a torn last line before the next append: the journal stays readable', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tk-hpo-')), 'torn.jsonl');
    const s = await createStudy({
      name: 's',
      storage: new JournalFileStorage(path),
      sampler: randomSampler(),
      seed: 3,
    });
    await s.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
    appendFileSync(path, '{"s":"s","o":{"op":"fin'); // a writer killed or out of disk mid-line
    const again = await createStudy({
      name: 's',
      storage: new JournalFileStorage(path),
      sampler: randomSampler(),
      seed: 4,
    });
    await again.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    expect(lines.every((l) => JSON.parse(l).s === 's')).toBe(true);
    const back = await new JournalFileStorage(path).load('s');
    expect(back.trials.map((t) => t.state)).toEqual([
      'complete',
      'complete',
      'complete',
      'complete',
    ]);
  });

  it('takes over the lock of a holder that was killed, without waiting for it to go stale', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tk-hpo-')), 'lock.jsonl');
    const dead = spawn(process.execPath, ['-e', '0']);
    await exited(dead);
    writeFileSync(`${path}.lock`, String(dead.pid));
    const storage = new JournalFileStorage(path, { staleLockMs: 600_000 });
    const s = await createStudy({ name: 's', storage, sampler: randomSampler() });
    await s.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 1 });
    expect(s.trials).toHaveLength(1);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('survives kill -9 of a worker mid-trial: completed trials kept, the interrupted one failed on restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tk-hpo-')), 'kill.jsonl');
    const p = startWorker(path, 'hang');
    // wait until the 4th trial is running
    for (let i = 0; i < 600; i++) {
      if (existsSync(path)) {
        const s = await new JournalFileStorage(path).load('k');
        if (
          s.trials.length === 4 &&
          s.trials[3]!.state === 'running' &&
          '0' in s.trials[3]!.intermediate
        )
          break;
      }
      await sleep(50);
    }
    p.kill('SIGKILL');
    await exited(p);
    expect(workerAlive(`pid-${p.pid}`)).toBe(false);
    const study = await createStudy({
      name: 'k',
      storage: new JournalFileStorage(path),
      sampler: randomSampler(),
    });
    expect(study.trials.map((t) => t.state)).toEqual([
      'complete',
      'complete',
      'complete',
      'running',
    ]);
    expect(await study.recoverStaleTrials({ isAlive: workerAlive })).toEqual([3]);
    await study.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 1 });
    expect(study.trials.map((t) => t.state)).toEqual([
      'complete',
      'complete',
      'complete',
      'failed',
      'complete',
    ]);
    expect(study.trials[3]!.error).toMatch(/worker died/);
  }, 60_000);

  it('two worker processes never run the same grid point', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tk-hpo-')), 'grid.jsonl');
    const workers = [startWorker(path, 'grid'), startWorker(path, 'grid')];
    // Release both workers at once, so they really compete for grid points.
    const dir = join(path, '..');
    for (
      let i = 0;
      i < 1200 && readdirSync(dir).filter((f) => f.includes('.ready-')).length < 2;
      i++
    )
      await sleep(25);
    writeFileSync(`${path}.go`, '');
    const codes = await Promise.all(workers.map(exited));
    expect(codes).toEqual([0, 0]);
    const s = await new JournalFileStorage(path).load('g');
    const points = s.trials.map((t) => `${t.params.a}/${t.params.b}`);
    expect(points).toHaveLength(12);
    expect(new Set(points).size).toBe(12);
    expect(new Set(s.trials.map((t) => t.worker)).size).toBe(2);
    expect(
      readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .every((l) => JSON.parse(l).s === 'g'),
    ).toBe(true);
  }, 60_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { JournalFileStorage } from './journal-storage';
import { randomSampler } from './random-sampler';
import { InMemoryStorage } from './storage';
import { createStudy } from './study';
import { processObjective, runWorkers } from './workers';

const module = join(new URL('.', import.meta.url).pathname, '..', 'test', 'objective-module.ts');
const journal = () => join(mkdtempSync(join(tmpdir(), 'tk-hpo-workers-')), 'study.jsonl');
// Both workers must be inside a trial before either goes on (see test/objective-module.ts).
const barrier = () => ({
  ...process.env,
  TK_BARRIER_DIR: mkdtempSync(join(tmpdir(), 'tk-hpo-barrier-')),
  TK_BARRIER_N: '2',
});

describe('worker processes', () => {
  it('runWorkers: 2 processes finish a study of 10 trials, 10 distinct trials, both contribute', async () => {
    const storage = new JournalFileStorage(journal());
    const results = await runWorkers({
      module,
      storage,
      studyName: 'w',
      nWorkers: 2,
      maxTrials: 10,
      sampler: randomSampler(),
      seed: 3,
      env: barrier(),
    });
    const s = await storage.load('w');
    expect(s.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.trials.every((t) => t.state === 'complete')).toBe(true);
    expect(new Set(s.trials.map((t) => t.params.x)).size).toBe(10);
    // the objective ran in the worker processes, not here, each with its own tfjs (cpu backend)
    const pids = results.map((r) => r.pid);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(process.pid);
    for (const r of results) {
      const mine = s.trials.filter((t) => t.userAttrs.pid === r.pid);
      expect(mine.length).toBe(r.trials);
      expect(r.trials).toBeGreaterThan(0);
      expect(mine.every((t) => t.worker === `pid-${r.pid}`)).toBe(true);
    }
    expect(s.trials.every((t) => t.userAttrs.backend === 'cpu')).toBe(true);
    for (const t of s.trials)
      expect(t.values![0]).toBeCloseTo(((t.params.x as number) - 0.3) ** 2, 6);
  }, 60_000);

  it('study.optimize with a module objective runs `concurrency` processes and adds nTrials trials', async () => {
    const storage = new JournalFileStorage(journal());
    const study = await createStudy({ name: 'p', storage, sampler: randomSampler(), seed: 1 });
    await study.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 2 }); // here
    const seen: number[] = [];
    await study.optimize(processObjective(module, 'objective', { env: barrier() }), {
      nTrials: 6,
      concurrency: 2,
      callback: (_s, t) => {
        seen.push(t.number);
      },
    });
    expect(study.trials).toHaveLength(8);
    expect(seen).toEqual([2, 3, 4, 5, 6, 7]);
    const workers = new Set(study.trials.slice(2).map((t) => t.worker));
    expect(workers.size).toBe(2);
    expect(workers.has(`pid-${process.pid}`)).toBe(false);
  }, 60_000);

  it('needs a shareable storage, and reports failing workers (catchErrors: false) as a StateError', async () => {
    const inMemory = await createStudy({ storage: new InMemoryStorage() });
    await expect(inMemory.optimize(processObjective(module), { nTrials: 1 })).rejects.toSatisfy(
      (e) => isTrainkitError(e, 'CONFIG') && /storage/.test(String(e)),
    );
    const storage = new JournalFileStorage(journal());
    await expect(
      runWorkers({
        module,
        exportName: 'broken',
        storage,
        studyName: 'b',
        nWorkers: 1,
        maxTrials: 3,
        catchErrors: false,
      }),
    ).rejects.toSatisfy((e) => isTrainkitError(e, 'STATE') && /objective exploded/.test(String(e)));
    expect((await storage.load('b')).trials.map((t) => t.state)).toEqual(['failed']);
    await expect(
      runWorkers({
        module,
        exportName: 'nope',
        storage,
        studyName: 'c',
        nWorkers: 1,
        maxTrials: 1,
      }),
    ).rejects.toThrow(/does not export a function "nope"/);
    await expect(
      runWorkers({ module, storage, studyName: 'c', nWorkers: 0, maxTrials: 1 }),
    ).rejects.toSatisfy((e) => isTrainkitError(e, 'RANGE'));
  }, 60_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTrainkitError } from '@trainkit/core';
import { type PgCluster, pgSkipReason, startPgCluster } from '@trainkit/test-utils/pg-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float } from './distributions';
import { PostgresStorage } from './postgres-storage';
import { randomSampler } from './random-sampler';
import { type Op, replay } from './storage';
import { createStudy } from './study';
import { processObjective } from './workers';

const skip = pgSkipReason();
if (skip) console.log(`[hpo] PostgreSQL storage tests skipped: ${skip}`);

const here = new URL('.', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (p: ChildProcess) =>
  new Promise<number | null>((r) => p.on('exit', (code) => r(code)));

describe.skipIf(skip)('PostgreSQL storage (a real server in a temp dir)', () => {
  let cluster: PgCluster;
  const storages: PostgresStorage[] = [];
  const open = (options = {}) => {
    const s = new PostgresStorage(cluster.connection, options);
    storages.push(s);
    return s;
  };
  function startWorker(mode: string, sync = ''): ChildProcess {
    return spawn(
      process.execPath,
      [
        '--conditions=@trainkit/source',
        '--import',
        'tsx',
        join(here, '..', 'test', 'storage-worker.ts'),
        'postgres',
        JSON.stringify(cluster.connection),
        mode,
        sync,
      ],
      { cwd: join(here, '..'), stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }

  beforeAll(() => {
    cluster = startPgCluster();
  });
  afterAll(async () => {
    for (const s of storages) await s.close();
    cluster?.stop();
  });

  it('stores studies, trials, params, intermediate values, attrs and the queue (same state as the in-memory journal replay)', async () => {
    const storage = open();
    const d = float(1e-4, 1, { log: true });
    const ops: Op[] = [
      { op: 'study', direction: ['maximize'], time: 1 },
      { op: 'enqueue', params: { lr: 0.01 }, time: 2 },
      { op: 'enqueue', params: { lr: 0.1 }, time: 3 },
      { op: 'create', number: 0, worker: 'w1', time: 4, fixed: { lr: 0.01 } },
      { op: 'param', number: 0, name: 'lr', distribution: d, value: 0.01 },
      {
        op: 'param',
        number: 0,
        name: 'act',
        distribution: { type: 'categorical', choices: ['relu', null, true] },
        value: null,
      },
      { op: 'report', number: 0, step: 0, value: 0.5 },
      { op: 'report', number: 0, step: 2, value: Number.NaN },
      { op: 'report', number: 0, step: 1, value: 0.25 },
      { op: 'attr', number: 0, key: 'note', value: { a: [1, 'x'] } },
      { op: 'finish', number: 0, state: 'complete', values: [0.75], time: 5 },
      { op: 'create', number: 1, worker: 'w2', time: 6, gridId: 3 },
      {
        op: 'finish',
        number: 1,
        state: 'failed',
        values: [Number.NaN],
        error: 'objective returned NaN',
        time: 7,
      },
      { op: 'create', number: 2, worker: 'w2', time: 8 },
    ];
    await storage.transaction('crud', () => ({ ops: ops.slice(0, 4), result: null }));
    await storage.append('crud', ops.slice(4));
    const got = await storage.load('crud');
    expect(got).toEqual(replay(ops));
    // the same ops read back by a second connection pool (another process would see this)
    expect(await open().load('crud')).toEqual(got);
    expect(got.trials[0]!.intermediate[2]).toBeNaN();
    expect(Object.keys(got.trials[0]!.params)).toEqual(['lr', 'act']); // suggestion order kept
    expect(JSON.stringify(got.trials[0]!.distributions.lr)).toBe(JSON.stringify(d)); // key order kept
    expect(got.queue).toEqual([{ lr: 0.1 }]);
    expect(await storage.studyNames()).toContain('crud');
    // a finished trial stays finished; unknown trials are a StateError
    await storage.append('crud', [{ op: 'finish', number: 0, state: 'failed', time: 9 }]);
    expect((await storage.load('crud')).trials[0]!.state).toBe('complete');
    await expect(
      storage.append('crud', [{ op: 'report', number: 9, step: 0, value: 1 }]),
    ).rejects.toSatisfy((e) => isTrainkitError(e, 'STATE'));
    await expect(
      storage.append('crud', [{ op: 'finish', number: 9, state: 'complete', time: 1 }]),
    ).rejects.toSatisfy((e) => isTrainkitError(e, 'STATE'));
    // a grid point can have only one trial that is not failed: the database refuses a second one
    await storage.append('crud', [{ op: 'create', number: 3, worker: 'w3', time: 10, gridId: 3 }]);
    await expect(
      storage.append('crud', [{ op: 'create', number: 4, worker: 'w3', time: 11, gridId: 3 }]),
    ).rejects.toSatisfy((e) => isTrainkitError(e, 'STATE') && /grid_point/.test(String(e)));
    await storage.deleteStudy('crud');
    expect(await storage.load('crud')).toEqual({ trials: [], queue: [] });
    expect(await storage.studyNames()).not.toContain('crud');
  });

  it('runs a study through createStudy/optimize and resumes it from a new storage object', async () => {
    const a = await createStudy({ name: 's', storage: open(), sampler: randomSampler(), seed: 1 });
    await a.optimize(
      async (t) => {
        const x = await t.suggestFloat('x', 0, 1);
        await t.report(0, x);
        await t.setUserAttr('double', 2 * x);
        return x;
      },
      { nTrials: 4 },
    );
    // pids repeat across machines: the default worker id names the host
    expect(a.trials[0]!.worker).toBe(`${hostname()}/pid-${process.pid}`);
    const b = await createStudy({ name: 's', storage: open(), sampler: randomSampler(), seed: 2 });
    expect(b.trials).toEqual(a.trials);
    expect(b.trials.every((t) => t.userAttrs.double === 2 * (t.params.x as number))).toBe(true);
    await b.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
    expect(b.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(b.bestTrial!.values![0]).toBe(Math.min(...b.trials.map((t) => t.values![0]!)));
    await expect(
      createStudy({ name: 's', storage: open(), direction: 'maximize' }),
    ).rejects.toThrow(/exists with other directions/);
  });

  it.concurrent('two worker processes never run the same grid point', async () => {
    const sync = join(mkdtempSync(join(tmpdir(), 'tk-hpo-pgsync-')), 'grid');
    const workers = [startWorker('grid', sync), startWorker('grid', sync)];
    const dir = join(sync, '..');
    for (
      let i = 0;
      i < 1200 && readdirSync(dir).filter((f) => f.includes('.ready-')).length < 2;
      i++
    )
      await sleep(25);
    writeFileSync(`${sync}.go`, '');
    expect(await Promise.all(workers.map(exited))).toEqual([0, 0]);
    const s = await open().load('g');
    const points = s.trials.map((t) => `${t.params.a}/${t.params.b}`);
    expect(points).toHaveLength(12);
    expect(new Set(points).size).toBe(12);
    expect(new Set(s.trials.map((t) => t.gridId)).size).toBe(12);
    expect(s.trials.every((t) => t.state === 'complete')).toBe(true);
    expect(new Set(s.trials.map((t) => t.worker)).size).toBe(2);
  }, 60_000);

  it.concurrent('worker processes (study.optimize with a module objective) share a PostgreSQL study', async () => {
    const storage = open();
    const study = await createStudy({ name: 'procs', storage, sampler: randomSampler(), seed: 5 });
    const env = {
      ...process.env,
      TK_BARRIER_DIR: mkdtempSync(join(tmpdir(), 'tk-hpo-barrier-')),
      TK_BARRIER_N: '2',
    };
    const module = join(here, '..', 'test', 'objective-module.ts');
    await study.optimize(processObjective(module, 'objective', { env }), {
      nTrials: 6,
      concurrency: 2,
    });
    expect(study.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(study.trials.every((t) => t.state === 'complete')).toBe(true);
    expect(new Set(study.trials.map((t) => t.userAttrs.pid)).size).toBe(2);
  }, 60_000);

  it.concurrent('survives kill -9 of a worker mid-trial: heartbeats keep a live trial, a dead one is failed on resume', async () => {
    const storage = open({ heartbeatIntervalMs: 100, staleAfterMs: 3000 });
    const p = startWorker('hang');
    for (let i = 0; i < 600; i++) {
      const s = await storage.load('k');
      if (
        s.trials.length === 4 &&
        s.trials[3]!.state === 'running' &&
        '0' in s.trials[3]!.intermediate
      )
        break;
      await sleep(50);
    }
    // alive: its heartbeat keeps the running trial fresh past staleAfterMs (3 s leaves a loaded
    // 2-core CI machine room for a late heartbeat)
    await sleep(3500);
    expect(await storage.staleTrials('k')).toEqual([]);
    p.kill('SIGKILL');
    await exited(p);
    await sleep(3500);
    expect(await storage.staleTrials('k')).toEqual([3]);
    const study = await createStudy({ name: 'k', storage, sampler: randomSampler() });
    expect(study.trials.map((t) => t.state)).toEqual([
      'complete',
      'complete',
      'complete',
      'running',
    ]);
    const before = study.trials.slice(0, 3);
    // resuming (optimize) fails the dead worker's trial first
    await study.optimize(async (t) => t.suggestFloat('x', 0, 1), { nTrials: 1 });
    expect(study.trials.map((t) => t.state)).toEqual([
      'complete',
      'complete',
      'complete',
      'failed',
      'complete',
    ]);
    expect(study.trials.slice(0, 3)).toEqual(before);
    expect(study.trials[3]!.error).toMatch(/worker died/);
    expect(study.trials[3]!.intermediate[0]).toBe(study.trials[3]!.params.x); // its report is kept
  }, 60_000);
});

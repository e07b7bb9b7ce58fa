// A worker process for the storage tests (journal file and PostgreSQL): `node
// --conditions=@trainkit/source --import tsx test/storage-worker.ts <storage> <where> <mode> <sync>`
// with <storage> `journal` (<where>: the journal path) or `postgres` (<where>: connection JSON).
// Modes: `hang` (three quick trials, then one that hangs until the test kills this process; a
// PostgreSQL worker keeps heartbeating meanwhile) and `grid` (announce readiness through
// `<sync>.ready-<pid>`, wait for `<sync>.go`, then work through a shared grid).
import { existsSync, writeFileSync } from 'node:fs';
import { createStudy, gridSampler, randomSampler, type Storage } from '../src/index';
import { JournalFileStorage, PostgresStorage } from '../src/node';

const [kind, where, mode, sync] = process.argv.slice(2) as [string, string, string, string];
const storage: Storage =
  kind === 'postgres'
    ? new PostgresStorage(JSON.parse(where), { heartbeatIntervalMs: 100, staleAfterMs: 1500 })
    : new JournalFileStorage(where);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (mode === 'hang') {
  const study = await createStudy({ name: 'k', storage, sampler: randomSampler(), seed: 1 });
  let n = 0;
  await study.optimize(
    async (t) => {
      const x = await t.suggestFloat('x', 0, 1);
      await t.report(0, x);
      if (++n === 4) await sleep(60_000);
      return x;
    },
    { nTrials: 4 },
  );
} else if (mode === 'grid') {
  writeFileSync(`${sync}.ready-${process.pid}`, '');
  while (!existsSync(`${sync}.go`)) await sleep(10);
  const grid = { a: [1, 2, 3, 4], b: [10, 20, 30] };
  const study = await createStudy({ name: 'g', storage, sampler: gridSampler(grid) });
  await study.optimize(async (t) => {
    const a = await t.suggestInt('a', 1, 4);
    await sleep(20);
    return a + (await t.suggestInt('b', 10, 30));
  });
}

// A worker process for the PostgreSQL tests: `node --conditions=@trainkit/source --import tsx
// test/pg-worker.ts <connection JSON> <mode> <ready file>`.
import { existsSync, writeFileSync } from 'node:fs';
import { createStudy, gridSampler, randomSampler } from '../src/index';
import { PostgresStorage } from '../src/node';

const [connection, mode, sync] = process.argv.slice(2) as [string, string, string];
const storage = new PostgresStorage(JSON.parse(connection), {
  heartbeatIntervalMs: 100,
  staleAfterMs: 1500,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (mode === 'hang') {
  // Three quick trials, then one that hangs (heartbeats going) until the test kills this process.
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
  // Start together: announce readiness, then wait for the test's go file.
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

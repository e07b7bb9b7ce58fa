// A study worker for the fault-injection tests: `node --conditions=@trainkit/source --import tsx
// test/fault-worker.ts <journal|postgres> <path|connection JSON> [study]`. Recovers the trials of dead
// workers, then works through a 3 x 2 grid (a deterministic objective) until it is exhausted, and
// prints the complete trials as JSON on its last line. With a fourth argument `<trial>:<step>` it
// stops in the middle of that trial, after that report, prints `paused` and waits to be killed.
import { createStudy, gridSampler, type Storage } from '../src/index';
import { JournalFileStorage, PostgresStorage, workerAlive } from '../src/node';

const [kind, where, name = 'faults', pauseAt] = process.argv.slice(2) as [
  string,
  string,
  string?,
  string?,
];
const storage: Storage =
  kind === 'postgres'
    ? new PostgresStorage(JSON.parse(where), { heartbeatIntervalMs: 100, staleAfterMs: 800 })
    : new JournalFileStorage(where);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const study = await createStudy({
  name,
  storage,
  sampler: gridSampler({ a: [1, 2, 3], b: [10, 20] }),
});
await study.recoverStaleTrials(kind === 'postgres' ? {} : { isAlive: workerAlive });
await study.optimize(async (t) => {
  const a = await t.suggestInt('a', 1, 3);
  const b = await t.suggestInt('b', 10, 20);
  for (let step = 0; step < 3; step++) {
    await t.report(step, a * b + step);
    if (pauseAt === `${t.number}:${step}`) {
      console.log('paused');
      await new Promise(() => setInterval(() => {}, 1000)); // until SIGKILL
    }
    await sleep(15);
  }
  return a * b + a / b;
});
const done = study.trials
  .filter((t) => t.state === 'complete')
  .map((t) => `${t.params.a}/${t.params.b}=${t.values?.[0]}`)
  .sort();
console.log(JSON.stringify({ done, best: study.bestTrial?.values?.[0] }));
await (storage as { close?: () => Promise<void> }).close?.();
process.exit(0);

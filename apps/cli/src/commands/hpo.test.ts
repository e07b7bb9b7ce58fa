// `trainkit hpo` through main(), from the sources: worker processes (tsx), a journal file, a
// kill -9 of a worker and a resume, the report, coarse-to-fine, PostgreSQL. Tiny trainings
// (100 examples, 1 epoch) keep it short.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgSkipReason, startPgCluster } from '@trainkit/test-utils/pg-cluster';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../args';
import { parseConfigText } from '../config-file';
import { main } from '../main';
import { UsageError } from '../usage-error';
import {
  buildPruner,
  buildSampler,
  gridSize,
  parseSpace,
  parseTrainOptions,
  withoutPassword,
} from './hpo-config';
import { hpoSpec } from './hpo-spec';

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-hpo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TRAIN = { limit: 100, testLimit: 20, epochs: 1, batchSize: 50, validation: 0.3 };

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { log: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface JournalOp {
  op: string;
  number: number;
  worker?: string;
  state?: string;
  values?: number[];
  error?: string;
}
const journal = (dir: string): JournalOp[] =>
  existsSync(join(dir, 'study.jsonl'))
    ? readFileSync(join(dir, 'study.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l).o as JournalOp)
    : [];
/** Each trial's final state, from the journal. */
function states(dir: string): Map<number, JournalOp> {
  const m = new Map<number, JournalOp>();
  for (const o of journal(dir)) {
    if (o.op === 'create') m.set(o.number, { ...o, state: 'running' });
    if (o.op === 'finish') m.set(o.number, { ...m.get(o.number)!, ...o });
  }
  return m;
}

describe('hpo settings', () => {
  it('reads a space over train options: ranges, lists as categoricals, typed flag checks', () => {
    expect(
      parseSpace({
        lr: { type: 'float', low: 1e-4, high: 0.1, log: true },
        'batch-size': { low: 16, high: 64, step: 16 },
        optimizer: ['sgd', 'adam'],
      }),
    ).toEqual({
      lr: { type: 'float', low: 1e-4, high: 0.1, log: true },
      batchSize: { type: 'int', low: 16, high: 64, log: false, step: 16 },
      optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
    });
    const msg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg(() => parseSpace({ learningRate: [0.1] }))).toMatch(
      /'learningRate' is not an option/,
    );
    expect(msg(() => parseSpace({ optimizer: ['sgd', 'lion'] }))).toMatch(/space.optimizer.*lion/);
    expect(msg(() => parseSpace({ lr: { low: 0.1, high: 0.01 } }))).toMatch(/space.lr: .*low/);
    expect(msg(() => parseSpace({ lr: { low: 0, high: 0.01, log: true } }))).toMatch(/space.lr/);
    expect(msg(() => parseSpace({ epochs: { type: 'float', low: 1, high: 3 } }))).toMatch(
      /integers/,
    );
    expect(msg(() => parseSpace({ out: ['a'] }))).toMatch(/'out' is not an option/);
    expect(msg(() => parseSpace({ archOptions: [{}] }))).toMatch(/JSON options cannot/);
    expect(msg(() => parseSpace({}))).toMatch(/--space/);
    const space = parseSpace({ lr: [0.1, 0.01] });
    expect(parseTrainOptions({ 'batch-size': 8, epochs: 2 }, space)).toEqual({
      batchSize: 8,
      epochs: 2,
    });
    expect(msg(() => parseTrainOptions({ lr: 0.1 }, space))).toMatch(/also in the space/);
    expect(msg(() => parseTrainOptions({ validation: 0 }, space))).toMatch(/validation/);
    expect(msg(() => parseTrainOptions({ epochs: 0 }, space))).toMatch(/train.epochs/);
  });

  it('builds every sampler and pruner by name; the grid covers the space', () => {
    const space = parseSpace({
      lr: { low: 1e-3, high: 1e-1, log: true },
      optimizer: ['sgd', 'adam'],
    });
    const base = { samplerOptions: {}, space, gridPoints: 3 };
    const kinds = ['tpe', 'random', 'grid', 'gp', 'cmaes', 'genetic', 'evolutionary'].map(
      (sampler) => buildSampler({ ...base, sampler: sampler as 'tpe' }).kind,
    );
    expect(kinds).toEqual([
      'hpo.tpeSampler',
      'hpo.randomSampler',
      'hpo.gridSampler',
      'hpo.gpSampler',
      'hpo.cmaEsSampler',
      'hpo.geneticSampler',
      'hpo.geneticSampler',
    ]);
    expect(buildSampler({ ...base, sampler: 'grid' }).toJSON().grid).toEqual({
      lr: [0.001, 0.01, 0.1],
      optimizer: ['sgd', 'adam'],
    });
    expect(gridSize(base)).toBe(6);
    const pruners = ['none', 'median', 'asha', 'hyperband'].map(
      (pruner) => buildPruner({ pruner: pruner as 'none', prunerOptions: {}, train: {} }).kind,
    );
    expect(pruners).toEqual([
      'hpo.nopPruner',
      'hpo.medianPruner',
      'hpo.ashaPruner',
      'hpo.hyperbandPruner',
    ]);
    expect(() =>
      buildSampler({ ...base, sampler: 'tpe', samplerOptions: { nStartupTrials: -1 } }),
    ).toThrow(/--sampler-options/);
    expect(() =>
      buildSampler({ ...base, sampler: 'tpe', samplerOptions: { nStartup: 3 } }),
    ).toThrow(
      /--sampler-options: unknown option 'nStartup' for the tpe sampler \(options: nStartupTrials/,
    );
    expect(() => buildSampler({ ...base, sampler: 'grid', samplerOptions: { points: 3 } })).toThrow(
      /use --grid-points/,
    );
    expect(() => buildPruner({ pruner: 'asha', prunerOptions: { eta: 3 }, train: {} })).toThrow(
      /--pruner-options: unknown option 'eta' for the asha pruner/,
    );
  });

  it("reads the README's study.yaml: a space over three train options, TPE, median pruner, 2 workers", () => {
    const readme = readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'),
      'utf8',
    );
    const yaml = /```yaml\n(# study\.yaml[\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toBeDefined();
    const parsed = parseCommand(hpoSpec, ['--config', 'study.yaml'], (path) =>
      parseConfigText(yaml!, path),
    );
    const o = parsed.options;
    expect(o).toMatchObject({ trials: 12, sampler: 'tpe', pruner: 'median', workers: 2 });
    const space = parseSpace(o.space);
    expect(Object.keys(space)).toEqual(['lr', 'optimizer', 'batchSize']);
    expect(parseTrainOptions(o.train, space)).toEqual({ limit: 1000, testLimit: 500, epochs: 3 });
    const sampler = buildSampler({
      sampler: o.sampler as 'tpe',
      samplerOptions: o.samplerOptions as Record<string, unknown>,
      space,
      gridPoints: 3,
    });
    expect(sampler.toJSON()).toMatchObject({
      kind: 'hpo.tpeSampler',
      nStartupTrials: 5,
    });
    expect(
      buildPruner({
        pruner: 'median',
        prunerOptions: o.prunerOptions as never,
        train: {},
      }).toJSON(),
    ).toMatchObject({ kind: 'hpo.medianPruner', nStartupTrials: 4, nWarmupSteps: 1 });
  });

  it('keeps no PostgreSQL password in study.json', () => {
    expect(withoutPassword('postgresql://hpo:secret@db-host:5433/hpo')).toBe(
      'postgresql://hpo@db-host:5433/hpo',
    );
    expect(withoutPassword('postgresql://postgres@/db?host=%2Ftmp%2Fpg')).toBe(
      'postgresql://postgres@/db?host=%2Ftmp%2Fpg',
    );
  });

  it('refuses a study without a space, and a resume that redefines the study', async () => {
    const a = await run(['hpo', '--out', join(tmp, 'nospace')]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/needs a search space/);
    const b = await run(['hpo', '--resume', join(tmp, 'nowhere')]);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/not a study folder/);
  });
});

describe('trainkit hpo (worker processes)', () => {
  it('survives a kill -9 of a worker: resume reruns its trial, fills the budget and reports; --narrow-from searches a grid around the best', async () => {
    const dir = join(tmp, 'coarse');
    writeFileSync(
      join(tmp, 'study.yaml'),
      [
        'space:',
        '  lr: { type: float, low: 1.0e-4, high: 0.1, log: true }',
        '  optimizer: [sgd, adam]',
        `train: ${JSON.stringify(TRAIN)}`,
        'trials: 4',
        'sampler: random',
        'pruner: none',
        'workers: 2',
        '',
      ].join('\n'),
    );
    const first = run(['hpo', '--config', join(tmp, 'study.yaml'), '--out', dir]);
    // kill -9 the worker of the first trial as soon as it starts.
    let victim: JournalOp | undefined;
    for (let i = 0; i < 600 && !victim; i++) {
      victim = journal(dir).find((o) => o.op === 'create');
      if (!victim) await sleep(100);
    }
    expect(victim?.worker).toMatch(/^pid-\d+$/);
    process.kill(Number(victim!.worker!.slice(4)), 'SIGKILL');
    const killed = await first;
    expect(killed.code).toBe(1);
    expect(killed.err).toMatch(
      /^trainkit: 1 of 2 worker processes failed: pid \d+: exited with SIGKILL; resume with: trainkit hpo --resume /,
    );
    expect(states(dir).get(victim!.number)?.state).toBe('running');

    const resumed = await run(['hpo', '--resume', dir]);
    expect(resumed.err).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(`trial ${victim!.number} of dead workers marked failed`);
    const all = states(dir);
    expect(all.get(victim!.number)).toMatchObject({ state: 'failed' });
    expect(all.get(victim!.number)?.error).toMatch(/worker died/);
    const done = [...all.values()].filter((t) => t.state === 'complete');
    expect(done).toHaveLength(4); // the budget: 4 trials that did not fail
    expect(all.size).toBe(5);
    // Each trial's value is its run's last validation accuracy (read from its own result.json).
    for (const t of done) {
      const result = JSON.parse(
        readFileSync(join(dir, 'trials', String(t.number), 'result.json'), 'utf8'),
      );
      expect(t.values![0]).toBe(result.history.at(-1).val_acc);
    }
    const best = JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8'));
    expect(best.value).toBe(Math.max(...done.map((t) => t.values![0]!)));
    expect(best.runDir).toBe(join(dir, 'trials', String(best.number)));
    expect(best.importances).toBeDefined();
    expect(resumed.out).toMatch(/best trial \d+: val_acc 0\.\d{4}/);
    expect(resumed.out).toMatch(/importance: (lr|optimizer) \d+%/);
    for (const f of ['report.html', 'history.png', 'parallel.png', 'importance.png']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<svg/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // Coarse-to-fine: a 2-point grid over the range around the best trials.
    const fine = join(tmp, 'fine');
    const narrowed = await run([
      'hpo',
      '--narrow-from',
      dir,
      '--narrow-top',
      '2',
      '--sampler',
      'grid',
      '--grid-points',
      '2',
      '--out',
      fine,
    ]);
    expect(narrowed.err).toBe('');
    expect(narrowed.code).toBe(0);
    const settings = JSON.parse(readFileSync(join(fine, 'study.json'), 'utf8'));
    expect(settings.train).toEqual(TRAIN);
    expect(settings.narrowedFrom.dir).toBe(dir);
    const lr = settings.space.lr;
    expect(lr.low).toBeGreaterThanOrEqual(1e-4);
    expect(lr.high).toBeLessThanOrEqual(0.1);
    expect(lr.high / lr.low).toBeLessThan(1000);
    expect(best.params.lr).toBeGreaterThanOrEqual(lr.low);
    expect(best.params.lr).toBeLessThanOrEqual(lr.high);
    expect(settings.space.optimizer.choices).toContain(best.params.optimizer);
    const grid = [...states(fine).values()];
    expect(grid).toHaveLength(2 * settings.space.optimizer.choices.length);
    expect(grid.every((t) => t.state === 'complete')).toBe(true);
  }, 300_000);
});

const skip = pgSkipReason();
describe.skipIf(skip)('trainkit hpo --storage postgresql://', () => {
  it('runs a study in PostgreSQL with two workers and reads it back on resume', async () => {
    const cluster = startPgCluster();
    try {
      const c = cluster.connection;
      const url = `postgresql://${c.user}@/${c.database}?host=${encodeURIComponent(c.host)}&port=${c.port}`;
      const dir = join(tmp, 'pg');
      const args = [
        '--space',
        '{"lr": [0.001, 0.01]}',
        '--train',
        JSON.stringify(TRAIN),
        '--sampler',
        'grid',
        '--pruner',
        'none',
        '--workers',
        '2',
      ];
      const r = await run(['hpo', ...args, '--storage', url, '--out', dir]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/2 trials \(2 complete/);
      expect(existsSync(join(dir, 'study.jsonl'))).toBe(false);
      const settings = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
      expect(settings.storage).toMatch(/^postgresql:/);
      const again = await run(['hpo', '--resume', dir]);
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/2 of 2 trials done/);
      expect(again.out).toMatch(/best trial [01]: val_acc/);
    } finally {
      cluster.stop();
    }
  }, 300_000);
});

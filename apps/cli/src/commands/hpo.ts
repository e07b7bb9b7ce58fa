import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IOError, StateError } from '@trainkit/core';
import { createStudy, narrowSpace, type Storage, type Study } from '@trainkit/hpo';
import { JournalFileStorage, PostgresStorage, runWorkers, workerAlive } from '@trainkit/hpo/node';
import type { Parsed } from '../args';
import { Interrupted, UsageError } from '../usage-error';
import { writeJsonAtomic } from '../write-atomic';
import {
  buildPruner,
  buildSampler,
  gridSize,
  type HpoSettings,
  isPostgresUrl,
  parseSpace,
  parseTrainOptions,
  withoutPassword,
} from './hpo-config';
import { writeStudyReport } from './hpo-report';

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

function readSettings(dir: string, argument: string): HpoSettings {
  const path = join(dir, 'study.json');
  if (!existsSync(path)) {
    throw new IOError('not a study folder', {
      argument,
      expected: 'a folder written by trainkit hpo (with study.json)',
      received: dir,
    });
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as HpoSettings;
  } catch (cause) {
    throw new IOError('study.json is not valid JSON', { argument: path, cause });
  }
}

/** The storage of a study: the given --storage (it may carry a password) or the saved one. */
function openStorage(s: HpoSettings, given: string | undefined): Storage {
  const where = given ?? s.storage;
  if (isPostgresUrl(where)) {
    const staleAfterMs = s.staleAfter * 1000;
    return new PostgresStorage(where, {
      staleAfterMs,
      heartbeatIntervalMs: Math.min(10_000, staleAfterMs / 4),
    });
  }
  return new JournalFileStorage(where);
}

/** Trials left running by dead workers, marked failed (they are rerun within the budget). */
async function recoverDead(study: Study, storage: Storage): Promise<number[]> {
  if (!(storage instanceof PostgresStorage))
    return study.recoverStaleTrials({ isAlive: workerAlive });
  // Heartbeats for workers anywhere; on this host a dead pid needs no waiting for them.
  const stale = await study.recoverStaleTrials();
  const host = hostname();
  const dead = await study.recoverStaleTrials({
    isAlive: (w) => {
      const m = /^(.*)\/pid-(\d+)$/.exec(w);
      return !m || m[1] !== host || workerAlive(`pid-${m[2]}`);
    },
  });
  return [...stale, ...dead];
}

async function narrowedFrom(
  from: string,
  top: number | undefined,
): Promise<{
  base: HpoSettings;
  narrowed: NonNullable<HpoSettings['narrowedFrom']>;
  space: HpoSettings['space'];
}> {
  const base = readSettings(from, '--narrow-from');
  const storage = openStorage(base, undefined);
  try {
    const study = await createStudy({ name: base.study, storage });
    const trials = await study.refresh();
    let space: HpoSettings['space'];
    try {
      space = narrowSpace(trials, base.space, {
        direction: base.direction,
        ...(top === undefined ? {} : { top }),
      });
    } catch (e) {
      throw new UsageError(`--narrow-from ${from}: ${(e as Error).message}`);
    }
    return {
      base,
      space,
      narrowed: {
        dir: resolve(from),
        study: base.study,
        ...(top === undefined ? {} : { top }),
        space: base.space,
      },
    };
  } finally {
    if (storage instanceof PostgresStorage) await storage.close();
  }
}

const RESUME_FIXED = ['space', 'train', 'metric', 'study', 'narrowFrom', 'narrowTop'];

/** A new study's settings (written to study.json), or a resumed one's with the flags given now. */
async function resolveSettings(
  o: Record<string, unknown>,
): Promise<{ dir: string; s: HpoSettings }> {
  const resumeDir = o.resume as string | undefined;
  if (resumeDir !== undefined) {
    if (o.out !== undefined && o.out !== resumeDir)
      throw new UsageError(
        '--out and --resume: a resumed study continues in its own folder; drop --out',
      );
    const given = RESUME_FIXED.filter((k) => o[k] !== undefined);
    if (given.length) {
      throw new UsageError(
        `--resume continues a study as it was defined: drop ${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} (start a new study with --out, or --narrow-from this one)`,
      );
    }
    const s = readSettings(resumeDir, '--resume');
    const storage = o.storage as string | undefined;
    const next: HpoSettings = {
      ...s,
      ...(o.trials === undefined ? {} : { trials: o.trials as number }),
      ...(o.timeout === undefined ? {} : { timeout: o.timeout as number }),
      ...(o.workers === undefined ? {} : { workers: o.workers as number }),
      ...(o.seed === undefined ? {} : { seed: o.seed as number }),
      ...(o.sampler === undefined ? {} : { sampler: o.sampler as HpoSettings['sampler'] }),
      ...(o.samplerOptions === undefined
        ? {}
        : { samplerOptions: o.samplerOptions as Record<string, unknown> }),
      ...(o.pruner === undefined ? {} : { pruner: o.pruner as HpoSettings['pruner'] }),
      ...(o.prunerOptions === undefined
        ? {}
        : { prunerOptions: o.prunerOptions as Record<string, unknown> }),
      ...(o.gridPoints === undefined ? {} : { gridPoints: o.gridPoints as number }),
      ...(o.staleAfter === undefined ? {} : { staleAfter: o.staleAfter as number }),
      ...(storage === undefined
        ? {}
        : { storage: isPostgresUrl(storage) ? withoutPassword(storage) : resolve(storage) }),
    };
    return { dir: resumeDir, s: next };
  }
  const dir = (o.out as string | undefined) ?? join('runs', `hpo-${stamp()}`);
  if (existsSync(join(dir, 'study.json'))) {
    throw new UsageError(
      `study folder ${dir} already holds a study: continue it with --resume ${dir}, or choose another --out`,
    );
  }
  let space: HpoSettings['space'];
  let trainOptions = o.train;
  let metric = o.metric as HpoSettings['metric'] | undefined;
  let inherited: Partial<HpoSettings> = {};
  let narrowed: HpoSettings['narrowedFrom'];
  if (o.narrowFrom !== undefined) {
    if (o.space !== undefined)
      throw new UsageError('--narrow-from derives the space: drop --space');
    const n = await narrowedFrom(o.narrowFrom as string, o.narrowTop as number | undefined);
    space = n.space;
    trainOptions ??= n.base.train;
    metric ??= n.base.metric;
    // The fine study prunes and parallelises as the coarse one did unless told otherwise.
    inherited = {
      pruner: n.base.pruner,
      prunerOptions: n.base.prunerOptions,
      workers: n.base.workers,
    };
    narrowed = n.narrowed;
  } else {
    if (o.narrowTop !== undefined) throw new UsageError('--narrow-top goes with --narrow-from');
    if (o.space === undefined) {
      throw new UsageError(
        "'trainkit hpo' needs a search space: --space '<json>' or space: in --config (see trainkit hpo --help)",
      );
    }
    space = parseSpace(o.space);
  }
  metric ??= 'val_acc';
  const storage = (o.storage as string | undefined) ?? join(dir, 'study.jsonl');
  const s: HpoSettings = {
    kind: 'trainkit.hpo',
    version: 1,
    createdAt: new Date().toISOString(),
    study: (o.study as string | undefined) ?? basename(resolve(dir)),
    storage: isPostgresUrl(storage) ? withoutPassword(storage) : resolve(storage),
    metric,
    direction: metric === 'val_loss' ? 'minimize' : 'maximize',
    trials: 0,
    ...(o.timeout === undefined ? {} : { timeout: o.timeout as number }),
    sampler: (o.sampler as HpoSettings['sampler'] | undefined) ?? 'tpe',
    samplerOptions: (o.samplerOptions as Record<string, unknown> | undefined) ?? {},
    pruner: (o.pruner as HpoSettings['pruner'] | undefined) ?? inherited.pruner ?? 'median',
    prunerOptions:
      (o.prunerOptions as Record<string, unknown> | undefined) ??
      (o.pruner === undefined ? inherited.prunerOptions : undefined) ??
      {},
    gridPoints: (o.gridPoints as number | undefined) ?? 3,
    seed: (o.seed as number | undefined) ?? 0,
    workers: (o.workers as number | undefined) ?? inherited.workers ?? 1,
    staleAfter: (o.staleAfter as number | undefined) ?? 120,
    space,
    train: parseTrainOptions(trainOptions, space),
    ...(narrowed ? { narrowedFrom: narrowed } : {}),
  };
  s.trials = (o.trials as number | undefined) ?? (s.sampler === 'grid' ? gridSize(s) : 20);
  return { dir, s };
}

/** The objective module beside this file (the .ts source under tsx, the built .js otherwise). */
function objectiveModule(): string {
  const self = fileURLToPath(import.meta.url);
  return join(dirname(self), `hpo-objective${extname(self)}`);
}

/** `trainkit hpo`: returns the exit code (0; 1 when a worker died; 130 when interrupted). */
export async function hpoCommand(parsed: Parsed, log: (s: string) => void): Promise<number> {
  const o = parsed.options;
  const { dir, s } = await resolveSettings(o);
  const sampler = buildSampler(s);
  const pruner = buildPruner(s);
  const storage = openStorage(s, o.storage as string | undefined);
  writeJsonAtomic(join(dir, 'study.json'), s);
  try {
    const study = await createStudy({
      name: s.study,
      storage,
      direction: s.direction,
      sampler,
      pruner,
      seed: s.seed,
    });
    const recovered = await recoverDead(study, storage);
    if (recovered.length) {
      log(
        `${recovered.length === 1 ? 'trial' : 'trials'} ${recovered.join(', ')} of dead workers marked failed (the budget runs them again)`,
      );
    }
    const trials = await study.refresh();
    const failed = trials.filter((t) => t.state === 'failed').length;
    // Failed trials (a killed worker's, a crashed run's) do not spend the budget.
    const maxTrials = s.trials + failed;
    log(
      `study ${s.study} in ${dir}: ${s.sampler} sampler, ${s.pruner} pruner, ${s.metric} (${s.direction}), ${trials.length - failed} of ${s.trials} trials done, ${s.workers} worker${s.workers > 1 ? 's' : ''}; storage ${s.storage}`,
    );
    if (s.narrowedFrom)
      log(`space narrowed from ${s.narrowedFrom.dir}: ${JSON.stringify(s.space)}`);
    let workerError: unknown;
    let interrupted = false;
    const onSigint = () => {
      interrupted = true;
    };
    if (trials.length < maxTrials) {
      process.on('SIGINT', onSigint);
      try {
        await runWorkers({
          module: objectiveModule(),
          storage,
          studyName: s.study,
          nWorkers: s.workers,
          maxTrials,
          sampler,
          pruner,
          direction: s.direction,
          seed: s.seed,
          ...(s.timeout === undefined ? {} : { timeout: s.timeout }),
          env: { ...process.env, TRAINKIT_HPO_DIR: resolve(dir), CI: '1' },
        });
      } catch (e) {
        if (!(e instanceof StateError)) throw e;
        workerError = e;
      } finally {
        process.off('SIGINT', onSigint);
      }
    }
    for (const line of writeStudyReport(dir, s, await study.refresh())) log(line);
    if (interrupted)
      throw new Interrupted(`interrupted; resume with: trainkit hpo --resume ${dir}`);
    if (workerError) {
      // runWorkers names its `module` argument; here the message is about the workers alone.
      const why = (workerError as Error).message.split('\n')[0]!.replace(/^module: /, '');
      throw new StateError(`${why}; resume with: trainkit hpo --resume ${dir}`);
    }
    return 0;
  } finally {
    if (storage instanceof PostgresStorage) await storage.close();
  }
}

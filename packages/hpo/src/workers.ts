// Node-only: worker processes (child_process.fork), each with its own tfjs engine, sharing a
// journal file or a PostgreSQL database.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertNumber, ConfigError, Rng, StateError } from '@trainkit/core';
import type { Pruner } from './pruners';
import type { Sampler } from './sampler';
import type { Storage, StorageSpec } from './storage';
import type { Direction, ExternalObjective, OptimizeOptions, Study } from './study';
import type { FrozenTrial } from './trial';

export interface RunWorkersOptions {
  /** Path (or file URL) of a module that exports the objective `(trial) => number`. */
  module: string;
  /** Name of the export. Default 'objective'. */
  exportName?: string;
  /** A journal file or PostgreSQL storage (or its `toSpec()`); in-memory storage cannot be shared. */
  storage: Storage | StorageSpec;
  studyName: string;
  /** Worker processes. */
  nWorkers: number;
  /** Trials in the study when the workers stop (all workers together, trials already there included). */
  maxTrials: number;
  /** A registered sampler (rebuilt from its `toJSON()` in every worker). Default: TPE. */
  sampler?: Sampler;
  pruner?: Pruner;
  direction?: Direction;
  directions?: Direction[];
  /** Seed of the workers' seeds (worker i gets its own). Default 0. */
  seed?: number;
  /** Seconds after which workers start no new trial. */
  timeout?: number;
  catchErrors?: boolean;
  /** Node flags of the workers (e.g. `['--import', 'tsx']` for a TypeScript objective module). */
  execArgv?: string[];
  /** Environment of the workers. Default: this process's. */
  env?: Record<string, string | undefined>;
}

/** What each worker did. */
export interface WorkerResult {
  pid: number;
  exitCode: number | null;
  /** Trials this worker ran. */
  trials: number;
  error?: string;
}

/** The message a worker receives (plain JSON). */
export interface WorkerConfig {
  module: string;
  exportName: string;
  storage: StorageSpec;
  studyName: string;
  maxTrials: number;
  sampler?: unknown;
  pruner?: unknown;
  directions?: Direction[];
  seed: number;
  timeout?: number;
  catchErrors?: boolean;
}

function specOf(storage: Storage | StorageSpec): StorageSpec {
  if ('kind' in storage && (storage.kind === 'journal' || storage.kind === 'postgres'))
    return storage as StorageSpec;
  const s = storage as Storage;
  if (!s.toSpec) {
    throw new ConfigError('worker processes need a storage they can open too', {
      argument: 'storage',
      expected: 'JournalFileStorage or PostgresStorage',
      received: s.constructor?.name,
    });
  }
  return s.toSpec();
}

// The worker entry beside this file: worker-main.ts under the source condition (run with tsx),
// worker-main.js / .cjs from the build.
function workerEntry(): { file: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  const ext = extname(self);
  const file = join(dirname(self), `worker-main${ext}`);
  if (ext !== '.ts') return { file, execArgv: [] };
  const tsx = pathToFileURL(createRequire(self).resolve('tsx')).href;
  return { file, execArgv: ['--conditions=@trainkit/source', '--import', tsx] };
}

/**
 * Runs a study in `nWorkers` child processes (`child_process.fork`), each with its own tfjs
 * engine, until the study holds `maxTrials` trials. The workers share the study through the
 * storage (journal file on one machine, PostgreSQL on several), so trial numbers and grid points
 * are never handed out twice. Resolves when every worker has exited; rejects with a StateError
 * naming the failed workers if any exited abnormally (after all have exited).
 * @example
 * // objective.ts: export async function objective(trial) { ...train...; return valAcc; }
 * await runWorkers({ module: './objective.js', storage: new JournalFileStorage('hpo.jsonl'),
 *   studyName: 'cnn', nWorkers: 4, maxTrials: 40, sampler: tpeSampler(), direction: 'maximize' });
 */
export async function runWorkers(options: RunWorkersOptions): Promise<WorkerResult[]> {
  const nWorkers = assertNumber('nWorkers', options.nWorkers, { min: 1, integer: true });
  const maxTrials = assertNumber('maxTrials', options.maxTrials, { min: 0, integer: true });
  if (typeof options.module !== 'string' || options.module === '')
    throw new ConfigError('module must name the objective module', {
      argument: 'module',
      expected: 'a path or file URL',
      received: options.module,
    });
  const storage = specOf(options.storage);
  const module = options.module.startsWith('file:')
    ? options.module
    : pathToFileURL(resolve(options.module)).href;
  const entry = workerEntry();
  const rng = new Rng(options.seed ?? 0);
  const directions = options.directions ?? (options.direction ? [options.direction] : undefined);
  const runs = Array.from({ length: nWorkers }, () => {
    const config: WorkerConfig = {
      module,
      exportName: options.exportName ?? 'objective',
      storage,
      studyName: options.studyName,
      maxTrials,
      sampler: options.sampler?.toJSON(),
      pruner: options.pruner?.toJSON(),
      seed: rng.int(0, 2 ** 31),
    };
    if (directions) config.directions = directions;
    if (options.timeout !== undefined) config.timeout = options.timeout;
    if (options.catchErrors !== undefined) config.catchErrors = options.catchErrors;
    const child = fork(entry.file, [], {
      execArgv: [...entry.execArgv, ...(options.execArgv ?? [])],
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise<WorkerResult>((done) => {
      const result: WorkerResult = { pid: child.pid ?? -1, exitCode: null, trials: 0 };
      child.on('message', (m: { ready?: boolean; trials?: number; error?: string }) => {
        if (m.ready) child.send(config);
        if (m.trials !== undefined) result.trials = m.trials;
        if (m.error !== undefined) result.error = m.error;
      });
      child.on('error', (e) => {
        result.error ??= String(e);
      });
      child.on('exit', (code, signal) => {
        result.exitCode = code;
        if (code !== 0) result.error ??= `exited with ${signal ?? `code ${code}`}`;
        done(result);
      });
    });
  });
  const results = await Promise.all(runs);
  const failed = results.filter((r) => r.exitCode !== 0);
  if (failed.length) {
    throw new StateError(
      `${failed.length} of ${nWorkers} worker processes failed: ${failed.map((r) => `pid ${r.pid}: ${r.error}`).join('; ')}`,
      { argument: 'module' },
    );
  }
  return results;
}

/**
 * An objective that `study.optimize` runs in `concurrency` worker processes (`runWorkers`) with
 * the study's storage, sampler, pruner and directions; `nTrials` trials are added to the study.
 * @example
 * await study.optimize(processObjective('./objective.js'), { nTrials: 40, concurrency: 4 });
 */
export function processObjective(
  module: string,
  exportName = 'objective',
  options: Pick<RunWorkersOptions, 'execArgv' | 'env'> = {},
): ExternalObjective {
  return {
    async runExternally(study: Study, opts: OptimizeOptions): Promise<void> {
      const before = new Set((await study.refresh()).map((t) => t.number));
      const maxTrials =
        opts.maxTrials ?? (opts.nTrials === undefined ? undefined : before.size + opts.nTrials);
      if (maxTrials === undefined)
        throw new ConfigError('worker processes need nTrials or maxTrials', {
          argument: 'options',
          expected: 'nTrials or maxTrials',
        });
      const run: RunWorkersOptions = {
        ...options,
        module,
        exportName,
        storage: study.storage,
        studyName: study.name,
        nWorkers: opts.concurrency ?? 1,
        maxTrials,
        sampler: study.sampler,
        pruner: study.pruner,
        directions: study.directions,
        seed: study.workerSeed(),
      };
      if (opts.timeout !== undefined) run.timeout = opts.timeout;
      if (opts.catchErrors !== undefined) run.catchErrors = opts.catchErrors;
      await runWorkers(run);
      const trials: FrozenTrial[] = await study.refresh();
      if (opts.callback)
        for (const t of trials) if (!before.has(t.number)) await opts.callback(study, t);
    },
  };
}

// The run folder of `trainkit train`: resolving where a run goes (new, restarted or resumed),
// claiming it against other processes, and the files in it (config.json, result.json).
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { IOError } from '@trainkit/core';
import { createFolderExclusive, removeTemporaryFiles, writeFileAtomic } from '@trainkit/core/node';
import { camel, coerce, type Parsed } from '../args';
import { UsageError } from '../usage-error';
import { trainSpec } from './specs';
import type { TrainOptions } from './train-parts';

/** What `config.json` of a run folder holds. */
export interface RunConfig {
  kind: 'trainkit.run';
  version: 1;
  command: 'train';
  createdAt: string;
  options: TrainOptions;
  resolved: Record<string, unknown>;
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** The files and folders a run writes (a restart removes exactly these). */
export const RUN_OUTPUTS = [
  'metrics.jsonl',
  'tensorboard',
  'checkpoint',
  'model',
  'report.html',
  'loss.png',
  'result.json',
];

function readRunConfig(dir: string): RunConfig {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) {
    throw new IOError('not a run folder', {
      argument: '--resume',
      expected: `a folder written by trainkit train (with config.json)`,
      received: dir,
    });
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunConfig;
  } catch (cause) {
    throw new IOError('config.json is not valid JSON', { argument: path, cause });
  }
}

/** Whether a run folder holds a checkpoint (valid or not: a torn one is refused, not replaced). */
function hasCheckpoint(dir: string): boolean {
  const c = join(dir, 'checkpoint');
  return ['checkpoint.json', 'manifest.json', join('previous', 'checkpoint.json')].some((f) =>
    existsSync(join(c, f)),
  );
}

/** Where and how this invocation runs: its options and its run folder. */
export interface Resolved {
  o: TrainOptions;
  dir: string;
  /** Continue from the checkpoint of `dir`. */
  resume: boolean;
  /** Start `dir` over: its run failed before its first checkpoint. */
  restart: boolean;
  /** The folder still has to be created (default `runs/<timestamp>`). */
  fresh: boolean;
  /** Named by --resume (its options are saved only once it produced a checkpoint). */
  viaResume?: boolean;
  createdAt?: string;
}

/**
 * The options as {@link TrainOptions}. Every value went through {@link coerce} against its flag in
 * `trainSpec` (type, choices, bounds; defaults filled), which is what the type states.
 */
function trainOptions(values: Record<string, unknown>): TrainOptions {
  return values as TrainOptions;
}

/** A resumed run's saved options, checked as the flags would be (config.json may be old or edited). */
function checkedSaved(saved: Record<string, unknown>): Record<string, unknown> {
  const flags = new Map(trainSpec.flags.map((f) => [camel(f.name), f]));
  return Object.fromEntries(
    Object.entries(saved).map(([k, v]) => {
      const flag = flags.get(k);
      return [k, flag ? coerce(flag, v, `config.json ${k}`) : v];
    }),
  );
}

/** Options of this invocation: a resumed run's saved options under the flags given now. */
export function resolveOptions(parsed: Parsed): Resolved {
  const opts = parsed.options;
  const persistent = trainSpec.flags.filter((f) => !f.transient).map((f) => camel(f.name));
  const pick = (src: object): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(src).filter(([k, v]) => persistent.includes(k) && v !== undefined),
    );
  const resumeDir = opts.resume as string | undefined;
  if (resumeDir !== undefined) {
    if (opts.out !== undefined && opts.out !== resumeDir) {
      throw new UsageError(
        '--out and --resume: a resumed run continues in its own folder; drop --out',
      );
    }
    const config = readRunConfig(resumeDir);
    const mine = Object.fromEntries(
      [...parsed.explicit].filter((k) => persistent.includes(k)).map((k) => [k, opts[k]]),
    );
    const ckpt = hasCheckpoint(resumeDir);
    return {
      o: trainOptions({ ...checkedSaved(pick(config.options ?? {})), ...mine }),
      dir: resumeDir,
      resume: ckpt,
      restart: !ckpt,
      fresh: false,
      viaResume: true,
      ...(typeof config.createdAt === 'string' ? { createdAt: config.createdAt } : {}),
    };
  }
  const out = opts.out as string | undefined;
  const o = trainOptions(pick(opts));
  if (out === undefined) {
    return { o, dir: join('runs', stamp()), resume: false, restart: false, fresh: true };
  }
  if (existsSync(join(out, 'config.json'))) {
    if (hasCheckpoint(out)) {
      throw new UsageError(
        `run folder ${out} already holds a run: continue it with --resume ${out}, or choose another --out`,
      );
    }
    // A run that failed before its first checkpoint: start it over with these options.
    return { o, dir: out, resume: false, restart: true, fresh: false };
  }
  return { o, dir: out, resume: false, restart: false, fresh: false };
}

/**
 * Makes `dir` this process's run folder: a new `runs/<timestamp>[-n]` is created exclusively (two
 * runs started in the same second get two folders); any folder is locked (`.trainkit.lock` with
 * this pid) so that no two live runs write into one. A lock left by a killed run is taken over.
 */
export function claimRunFolder(r: Resolved): { dir: string; release: () => void } {
  let dir = r.dir;
  if (r.fresh) {
    for (let n = 2; !createFolderExclusive(dir); n++) dir = `${r.dir}-${n}`;
  } else if (!existsSync(dir)) {
    createFolderExclusive(dir);
  }
  const lock = join(dir, '.trainkit.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new UsageError(`run folder ${dir} is in use by another trainkit process`);
        }
        throw new IOError('cannot lock the run folder', { argument: lock, cause: e });
      }
      let holder = '';
      try {
        holder = readFileSync(lock, 'utf8').trim();
      } catch {
        // removed meanwhile
      }
      if (/^\d+$/.test(holder) && processAlive(Number(holder)) && Number(holder) !== process.pid) {
        throw new UsageError(
          `run folder ${dir} is in use by trainkit process ${holder} (wait for it, or choose another --out)`,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  // Temporary files of writes a crash cut short (this process now owns the folder).
  for (const d of [dir, join(dir, 'model')]) removeTemporaryFiles(d);
  return { dir, release: () => rmSync(lock, { force: true }) };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Keeps the records of metrics.jsonl that the checkpoint covers (steps before it, epochs it
 * finished): the resumed run writes the rest again, so no step is recorded twice. Unreadable
 * lines (a torn tail) are dropped. Rewritten atomically.
 */
export function trimMetrics(path: string, step: number, epoch: number): void {
  if (!existsSync(path)) return;
  const kept: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let r: { type?: string; step?: number; epoch?: number };
    try {
      r = JSON.parse(line);
    } catch {
      continue;
    }
    if (r.type === 'end') continue;
    if (r.type === 'epoch' && (r.epoch ?? 0) >= epoch) continue;
    if (r.type !== 'begin' && r.type !== 'epoch' && (r.step ?? 0) >= step) continue;
    kept.push(line);
  }
  writeFileAtomic(path, kept.length ? `${kept.join('\n')}\n` : '');
}

/** result.json of a run folder, when there is a readable one. */
export function readResult(path: string): { step?: number } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes JSON atomically; Infinity / NaN as strings (JSON has none) instead of a silent `null`. */
export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, finiteOrText, 2)}\n`);
}

function finiteOrText(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

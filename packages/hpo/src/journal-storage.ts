// Node-only: an append-only journal file shared by processes on one machine.
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { IOError } from '@trainkit/core';
import { type Op, replay, type Storage, type StorageSpec, type StudyState } from './storage';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps studies in an append-only JSONL journal (one op per line, each line tagged with its
 * study). Crash-safe by construction: a line is appended whole or, if the writer was killed
 * mid-line, the torn last line is ignored on replay. Cross-process atomicity comes from an
 * exclusive lock file (`<path>.lock`, created with O_EXCL; a lock older than `staleLockMs` is
 * taken over). Trials left `running` by a dead worker are marked failed by
 * `study.recoverStaleTrials()`.
 */
export class JournalFileStorage implements Storage {
  constructor(
    readonly path: string,
    private readonly options: { staleLockMs?: number } = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Settings for a worker process to open the same journal. */
  toSpec(): StorageSpec {
    return { kind: 'journal', path: resolve(this.path), options: this.options };
  }

  private readOps(study: string): Op[] {
    if (!existsSync(this.path)) return [];
    const lines = readFileSync(this.path, 'utf8').split('\n');
    const ops: Op[] = [];
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let rec: { s: string; o: Op };
      try {
        rec = JSON.parse(line);
      } catch (cause) {
        if (i >= lines.length - 2) return; // a torn last line from a killed writer
        throw new IOError(`journal line ${i + 1} is corrupt`, { argument: this.path, cause });
      }
      if (rec.s === study) ops.push(rec.o);
    });
    return ops;
  }

  async load(study: string): Promise<StudyState> {
    return replay(this.readOps(study));
  }

  async append(study: string, ops: Op[]): Promise<void> {
    if (ops.length === 0) return;
    // One write call per batch: POSIX appends of a few KB land whole.
    appendFileSync(this.path, ops.map((o) => `${JSON.stringify({ s: study, o })}\n`).join(''));
  }

  async transaction<T>(study: string, fn: (s: StudyState) => { ops: Op[]; result: T }): Promise<T> {
    const lock = `${this.path}.lock`;
    const stale = this.options.staleLockMs ?? 10_000;
    for (let attempt = 0; ; attempt++) {
      try {
        closeSync(openSync(lock, 'wx'));
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new IOError('cannot create the journal lock', { argument: lock, cause: e });
        try {
          if (Date.now() - statSync(lock).mtimeMs > stale) rmSync(lock, { force: true });
        } catch {
          // the holder released it meanwhile
        }
        if (attempt > 20_000)
          throw new IOError('timed out waiting for the journal lock', { argument: lock });
        await sleep(2 + Math.random() * 5);
      }
    }
    try {
      const { ops, result } = fn(replay(this.readOps(study)));
      await this.append(study, ops);
      return result;
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

/** Is the worker of a trial (`pid-<n>`, the default worker id in Node) still running on this machine? */
export function workerAlive(worker: string): boolean {
  const m = /^pid-(\d+)$/.exec(worker);
  if (!m) return true;
  try {
    process.kill(Number(m[1]), 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Node-only: an append-only journal file shared by processes on one machine.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { IOError } from '@trainkit/core';
import { appendLines } from '@trainkit/core/node';
import { type Op, replay, type Storage, type StorageSpec, type StudyState } from './storage';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps studies in an append-only JSONL journal (one op per line, each line tagged with its
 * study). Crash-safe: every append holds the lock, cuts a torn last line left by a writer that
 * was killed or ran out of disk (so new lines never glue onto a fragment), writes and fsyncs; a
 * torn last line is also ignored on replay. A full disk is an IOError naming the journal, and the
 * study continues once space is back. Cross-process atomicity comes from an exclusive lock file
 * (`<path>.lock`, created with O_EXCL; a lock older than `staleLockMs` is taken over). Trials left `running` by a dead worker are marked failed by
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
    await this.locked(() => this.appendUnlocked(study, ops));
  }

  /** Appends under the lock the caller holds (so that cutting a torn line races no writer). */
  private appendUnlocked(study: string, ops: Op[]): void {
    if (ops.length === 0) return;
    appendLines(this.path, ops.map((o) => `${JSON.stringify({ s: study, o })}\n`).join(''));
  }

  async transaction<T>(study: string, fn: (s: StudyState) => { ops: Op[]; result: T }): Promise<T> {
    return this.locked(() => {
      const { ops, result } = fn(replay(this.readOps(study)));
      this.appendUnlocked(study, ops);
      return result;
    });
  }

  private async locked<T>(fn: () => T): Promise<T> {
    const lock = `${this.path}.lock`;
    const stale = this.options.staleLockMs ?? 10_000;
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(lock, 'wx');
        try {
          writeSync(fd, String(process.pid));
        } finally {
          closeSync(fd);
        }
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new IOError('cannot create the journal lock', { argument: lock, cause: e });
        try {
          // A holder killed with the lock (kill -9): its pid is gone, take the lock over at once.
          const holder = readFileSync(lock, 'utf8');
          const dead = /^\d+$/.test(holder) && !workerAlive(`pid-${holder}`);
          if (dead || Date.now() - statSync(lock).mtimeMs > stale) rmSync(lock, { force: true });
        } catch {
          // the holder released it meanwhile
        }
        if (attempt > 20_000)
          throw new IOError('timed out waiting for the journal lock', { argument: lock });
        await sleep(2 + Math.random() * 5);
      }
    }
    try {
      return fn();
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

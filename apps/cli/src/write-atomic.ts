// Every file a run or a study writes appears whole or not at all: written beside its target
// under a unique temporary name, flushed, then renamed over it (rename is atomic on POSIX).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` atomically (creating its folder); returns `path`. */
export function writeFileAtomic(path: string, data: string | Uint8Array): string {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return path;
}

/** `JSON.stringify(value, null, 2)` plus a newline, written atomically. */
export function writeJsonAtomic(path: string, value: unknown): string {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

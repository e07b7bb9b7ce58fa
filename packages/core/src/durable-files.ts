// Node-only: durable file writes shared by every package that writes a run or a study.
// Whole files are replaced atomically (temporary file, fsync, rename, directory fsync); logs are
// appended after repairing a torn last line. Errors are IOErrors naming the file.
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { IOError } from './errors';

/** Data a durable write accepts. */
export type FileData = string | Uint8Array;

function bytesOf(data: FileData): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * An IOError naming `path` for a failed file operation; a full disk says so in words.
 *
 * @example throw fileError('cannot write', '/runs/a/metrics.jsonl', e)
 */
export function fileError(what: string, path: string, cause: unknown): IOError {
  if (cause instanceof IOError) return cause;
  const code = (cause as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOSPC'
      ? 'no space left on the device'
      : code === 'EDQUOT'
        ? 'disk quota exceeded'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'read-only file system'
            : ((cause as Error)?.message?.split('\n')[0] ?? String(cause));
  return new IOError(`${what}: ${why}`, { argument: path, cause });
}

/** Fsyncs a directory so that a rename or a new entry in it survives a power loss. */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    // Some file systems refuse fsync on a directory (EINVAL/EISDIR): nothing more can be done.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') {
      throw fileError('cannot sync the folder', dir, e);
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.byteLength) at += writeSync(fd, bytes, at, bytes.byteLength - at);
}

let counter = 0;

/**
 * Replaces `path` with `data` atomically: the data goes to a temporary file beside it, which is
 * fsynced and renamed over `path`; then the folder is fsynced. A reader (or a crash at any moment)
 * sees the old file or the new one, never a mix or a torn one. The folder is created if needed.
 * Errors are {@link IOError}s naming `path` (a full disk says "no space left on the device").
 *
 * @example writeFileAtomic('runs/a/config.json', JSON.stringify(config));
 */
export function writeFileAtomic(path: string, data: FileData): void {
  const dir = dirname(path);
  // `.<name>.tmp` (a fixed name: fault-injection tools can aim at it), or, when that exists (a
  // concurrent writer, or a crash's leftover), a name of this process's own.
  let tmp = join(dir, `.${basename(path)}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    try {
      fd = openSync(tmp, 'wx', 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      tmp = join(dir, `.${basename(path)}.${process.pid}.${++counter}.tmp`);
      fd = openSync(tmp, 'wx', 0o644);
    }
    writeAll(fd, bytesOf(data));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the temporary file could not even be created
    }
    throw fileError('cannot write', path, e);
  }
  fsyncDirectory(dir);
}

/**
 * Appends `text` (whole lines, each ending in `\n`) to the log at `path` (created with its
 * folder), fsynced. A torn last line left by a crash or a full disk (text after the last `\n`) is
 * cut off first, so that the new lines never glue onto a fragment. Returns the bytes cut.
 *
 * @example appendLines('runs/a/metrics.jsonl', `${JSON.stringify(record)}\n`);
 */
export function appendLines(path: string, text: string): number {
  let fd: number | undefined;
  let cut = 0;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a+');
    cut = repairTornTail(fd);
    if (text.length > 0) writeAll(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
  } catch (e) {
    throw fileError('cannot append to', path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return cut;
}

/** Truncates an open log after its last newline; returns the bytes removed. */
function repairTornTail(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0) return 0;
  const one = Buffer.alloc(1);
  readSync(fd, one, 0, 1, size - 1);
  if (one[0] === 0x0a) return 0;
  // Scan back in blocks for the last newline.
  const block = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - block.byteLength);
    const n = readSync(fd, block, 0, end - start, start);
    const i = block.subarray(0, n).lastIndexOf(0x0a);
    if (i >= 0) {
      ftruncateSync(fd, start + i + 1);
      return size - (start + i + 1);
    }
    end = start;
  }
  ftruncateSync(fd, 0);
  return size;
}

/**
 * Removes the temporary files that interrupted {@link writeFileAtomic} calls left in `dir`
 * (`.<name>.tmp`); call it only while no other process writes there. Returns how many.
 *
 * @example removeTemporaryFiles('runs/a');
 */
export function removeTemporaryFiles(dir: string): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (/^\..+\.tmp$/.test(name)) {
      rmSync(join(dir, name), { force: true });
      n += 1;
    }
  }
  return n;
}

/**
 * Creates the folder `path` exclusively (its parents as needed): `false` when it already exists,
 * so that two processes never share one folder.
 *
 * @example while (!createFolderExclusive(`runs/${stamp}-${n}`)) n += 1;
 */
export function createFolderExclusive(path: string): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw fileError('cannot create the folder', dirname(path), e);
  }
  try {
    mkdirSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fileError('cannot create the folder', path, e);
  }
  fsyncDirectory(dirname(path));
  return true;
}

// The run's and study's files go through core's one durable writer (temporary file, fsync,
// rename, folder fsync); these two return the path, as the commands print it.
import { writeFileAtomic as writeDurably } from '@trainkit/core/node';

/** Writes `data` to `path` atomically (creating its folder); returns `path`. */
export function writeFileAtomic(path: string, data: string | Uint8Array): string {
  writeDurably(path, data);
  return path;
}

/** `JSON.stringify(value, null, 2)` plus a newline, written atomically. */
export function writeJsonAtomic(path: string, value: unknown): string {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

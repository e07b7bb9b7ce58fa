import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { assertNumber, IOError } from '@trainkit/core';

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** Expected SHA-256 of the bytes, lowercase hex; a mismatch -> `IOError` and nothing is written. */
  sha256?: string;
  /** Expected MD5, lowercase hex (for sources that publish only MD5, like CIFAR-10). */
  md5?: string;
  /** Abort after this many milliseconds (default 120,000). */
  timeoutMs?: number;
}

/** SHA-256 of bytes, lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Downloads `url` to `dest` (Node), verifying its SHA-256 before the file appears (written to a
 * temporary name, then renamed). Offline, an HTTP error or a checksum mismatch -> `IOError`
 * naming the URL.
 *
 * @example
 * await downloadFile(url, '/tmp/t10k-labels-idx1-ubyte.gz', { sha256: '8d36...1a05' });
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<void> {
  const timeoutMs = assertNumber('timeoutMs', options.timeoutMs ?? 120_000, { min: 1 });
  let bytes: Uint8Array;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      throw new IOError(`download failed with HTTP ${res.status}`, { argument: url });
    }
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (cause) {
    if (cause instanceof IOError) throw cause;
    const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
    const reason = inner?.code ?? inner?.message ?? (cause as Error)?.message;
    throw new IOError(`cannot download (offline or unreachable: ${reason})`, {
      argument: url,
      expected:
        'a reachable URL; or place the files locally and pass { dir } or set $TRAINKIT_DATA',
      cause,
    });
  }
  if (options.sha256 !== undefined) {
    const got = sha256Hex(bytes);
    if (got !== options.sha256.toLowerCase()) {
      throw new IOError('checksum mismatch (corrupt or tampered download); nothing was saved', {
        argument: url,
        expected: `sha256 ${options.sha256}`,
        receivedText: `sha256 ${got} (${bytes.length} bytes)`,
      });
    }
  }
  if (options.md5 !== undefined) {
    const got = createHash('md5').update(bytes).digest('hex');
    if (got !== options.md5.toLowerCase()) {
      throw new IOError('checksum mismatch (corrupt or tampered download); nothing was saved', {
        argument: url,
        expected: `md5 ${options.md5}`,
        receivedText: `md5 ${got} (${bytes.length} bytes)`,
      });
    }
  }
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.part-${process.pid}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, dest);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw new IOError('cannot write the downloaded file', { argument: dest, cause });
  }
}

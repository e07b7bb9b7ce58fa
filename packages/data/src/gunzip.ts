import { IOError } from '@trainkit/core';

/** `true` when `bytes` start with the gzip magic number `1f 8b` (RFC 1952, section 2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip bytes with the platform's `DecompressionStream` (browsers and Node >= 18).
 * A truncated or corrupt stream -> `IOError` naming `name` (the file), never a short read.
 *
 * @example
 * const raw = await gunzip(await (await fetch(url)).bytes(), { name: url });
 */
export async function gunzip(
  bytes: Uint8Array,
  options: { name?: string } = {},
): Promise<Uint8Array> {
  const name = options.name ?? 'input';
  if (!isGzip(bytes)) {
    throw new IOError('not gzip data', {
      argument: name,
      expected: 'bytes starting with the gzip magic number 1f 8b',
      receivedText: describeStart(bytes),
    });
  }
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (cause) {
    throw new IOError(`corrupt or truncated gzip data (${(cause as Error)?.message ?? cause})`, {
      argument: name,
      expected: 'a complete gzip stream',
      receivedText: `${bytes.length} bytes`,
      cause,
    });
  }
}

/** Gunzips `bytes` when they are gzip, else returns them unchanged. */
export async function maybeGunzip(
  bytes: Uint8Array,
  options: { name?: string } = {},
): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzip(bytes, options) : bytes;
}

/** The first bytes in hex, for error messages. */
export function describeStart(bytes: Uint8Array, n = 4): string {
  if (bytes.length === 0) return 'an empty file';
  const hex = Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${bytes.length} bytes starting ${hex}`;
}

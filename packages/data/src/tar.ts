import { IOError } from '@trainkit/core';

/** One regular file of a tar archive. */
export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;

/**
 * Lists the regular files of an (uncompressed) ustar / GNU tar archive, as POSIX.1-1988 lays it
 * out: 512-byte headers (name 0..100, octal size 124..136, type flag 156, ustar prefix 345..500),
 * each followed by the data padded to 512 bytes; two zero blocks end the archive. A bad header
 * checksum or data running past the end -> `IOError` naming `name`. Entries are views into `bytes`.
 *
 * @example
 * const files = untar(await gunzip(tgz)); // [{ name: 'cifar-10-batches-bin/test_batch.bin', data }, ...]
 */
export function untar(bytes: Uint8Array, options: { name?: string } = {}): TarEntry[] {
  const archive = options.name ?? 'tar';
  const out: TarEntry[] = [];
  let longName: string | undefined;
  let off = 0;
  while (off + BLOCK <= bytes.length) {
    const h = bytes.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) return out;
    const stored = octal(h, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (stored !== sum) {
      throw new IOError(`corrupt tar header at byte ${off}`, {
        argument: archive,
        expected: `header checksum ${stored}`,
        receivedText: `${sum}`,
      });
    }
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156]!);
    const start = off + BLOCK;
    if (start + size > bytes.length) {
      throw new IOError('truncated tar archive', {
        argument: archive,
        expected: `${size} data bytes at byte ${start}`,
        receivedText: `${bytes.length - start} bytes left`,
      });
    }
    const data = bytes.subarray(start, start + size);
    if (type === 'L') {
      longName = text(data, 0, size); // GNU long name for the next entry
    } else if (type === '0' || type === '\0') {
      const prefix = text(h, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
      out.push({ name, data });
      longName = undefined;
    } else {
      longName = undefined;
    }
    off = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (off !== bytes.length) {
    throw new IOError('truncated tar archive (partial header)', {
      argument: archive,
      expected: 'whole 512-byte blocks',
      receivedText: `${bytes.length} bytes`,
    });
  }
  return out;
}

function text(b: Uint8Array, start: number, len: number): string {
  const s = b.subarray(start, start + len);
  const end = s.indexOf(0);
  return new TextDecoder().decode(end < 0 ? s : s.subarray(0, end));
}

function octal(b: Uint8Array, start: number, len: number): number {
  const s = text(b, start, len).trim();
  return s === '' ? 0 : Number.parseInt(s, 8);
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { untar } from './tar';

// Archives written by Python's tarfile (scripts/make_tar_fixtures.py), an independent writer.
const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

describe('untar', () => {
  it('reads GNU long names and empty files, skipping directories', () => {
    const entries = untar(fixture('gnu.tar'));
    expect(entries.map((e) => e.name)).toEqual([`long/${'x'.repeat(120)}.bin`, 'empty.txt']);
    const data = entries[0]!.data;
    expect(data.length).toBe(768);
    expect(Array.from(data.subarray(254, 258))).toEqual([254, 255, 0, 1]);
    expect(entries[1]!.data.length).toBe(0);
  });

  it('joins the ustar prefix and name', () => {
    const [e] = untar(fixture('ustar.tar'));
    expect(e!.name).toBe(`a/${'b'.repeat(60)}/${'c'.repeat(60)}.txt`);
    expect(new TextDecoder().decode(e!.data)).toBe('ustar prefix entry\n');
  });

  it('rejects data running past the end, naming the archive', () => {
    const bytes = fixture('gnu.tar');
    // header blocks: dir (0), L long-name (512) + its data (1024), file header (1536), data from 2048
    expect(() => untar(bytes.subarray(0, 2048 + 100), { name: 'cut.tar' })).toThrow(
      /^cut\.tar: truncated tar archive; expected 768 data bytes at byte 2048; received 100 bytes left/,
    );
    expect(() => untar(bytes.subarray(0, 700))).toThrow(/truncated tar archive \(partial header\)/);
  });

  it('rejects a corrupt header checksum', () => {
    const bytes = fixture('ustar.tar').slice();
    bytes[10] = bytes[10]! ^ 0xff;
    expect(() => untar(bytes, { name: 'bad.tar' })).toThrow(
      /bad\.tar: corrupt tar header at byte 0; expected header checksum/,
    );
  });

  it('returns no entries for an all-zero archive', () => {
    expect(untar(new Uint8Array(1024))).toEqual([]);
  });
});

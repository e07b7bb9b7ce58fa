import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendLines,
  createFolderExclusive,
  fileError,
  removeTemporaryFiles,
  writeFileAtomic,
} from './durable-files';
import { IOError } from './errors';

const fresh = () => mkdtempSync(join(tmpdir(), 'trainkit-durable-'));

describe('durable files', () => {
  it('writeFileAtomic replaces a file whole, creates its folder and leaves no temporary file', () => {
    const dir = fresh();
    const path = join(dir, 'sub', 'config.json');
    writeFileAtomic(path, '{"a":1}');
    writeFileAtomic(path, new Uint8Array([0x7b, 0x7d]));
    expect(readFileSync(path, 'utf8')).toBe('{}');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['config.json']);
    // a leftover temporary file of a crash does not block the next write, and can be removed
    writeFileSync(join(dir, 'sub', '.config.json.tmp'), 'torn');
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(removeTemporaryFiles(join(dir, 'sub'))).toBe(1);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['config.json']);
  });

  it('a failed write is an IOError naming the file and keeps the old content', () => {
    const dir = fresh();
    const path = join(dir, 'a.json');
    writeFileAtomic(path, 'old');
    // A folder in place of the temporary file's parent: the write fails before the rename.
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => writeFileAtomic(join(dir, 'file', 'b.json'), 'new')).toThrow(IOError);
    expect(() => writeFileAtomic(join(dir, 'file', 'b.json'), 'new')).toThrow(/file[/\\]b\.json/);
    expect(readFileSync(path, 'utf8')).toBe('old');
  });

  it('fileError says a full disk in words and names the file', () => {
    const e = fileError(
      'cannot write',
      '/runs/a/metrics.jsonl',
      Object.assign(new Error('x'), { code: 'ENOSPC' }),
    );
    expect(e).toBeInstanceOf(IOError);
    expect(e.message).toBe('/runs/a/metrics.jsonl: cannot write: no space left on the device');
  });

  it('appendLines cuts a torn last line before appending', () => {
    const dir = fresh();
    const path = join(dir, 'log.jsonl');
    expect(appendLines(path, '{"a":1}\n')).toBe(0);
    writeFileSync(path, '{"a":2', { flag: 'a' }); // a writer killed mid-line
    expect(appendLines(path, '{"a":3}\n')).toBe(6);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"a":3}\n');
    // a file that is only a fragment
    writeFileSync(path, 'abc');
    expect(appendLines(path, 'x\n')).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe('x\n');
  });

  it('appendLines finds the last newline more than one read block back', () => {
    const dir = fresh();
    const path = join(dir, 'log.jsonl');
    writeFileSync(path, `ok\n${'y'.repeat(200_000)}`);
    expect(appendLines(path, 'z\n')).toBe(200_000);
    expect(readFileSync(path, 'utf8')).toBe('ok\nz\n');
  });

  it('createFolderExclusive gives a folder to one caller only', () => {
    const dir = fresh();
    expect(createFolderExclusive(join(dir, 'runs', 'r1'))).toBe(true);
    expect(createFolderExclusive(join(dir, 'runs', 'r1'))).toBe(false);
    writeFileSync(join(dir, 'f'), '');
    expect(() => createFolderExclusive(join(dir, 'f', 'r'))).toThrow(IOError);
  });
});

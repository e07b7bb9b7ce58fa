import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../args';
import { UsageError } from '../usage-error';
import { trainSpec } from './specs';
import { resolveOptions } from './train-run-folder';

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-run-folder-'));
const noFile = () => ({});

/** A run folder whose config.json holds `options` (no checkpoint: a restart). */
function runFolder(name: string, options: Record<string, unknown>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ kind: 'trainkit.run', version: 1, command: 'train', options }),
  );
  return dir;
}

describe('resolveOptions', () => {
  it('reads a new run from the flags, with the defaults filled in', () => {
    const parsed = parseCommand(trainSpec, ['--schedule', 'onecycle', '--lr', '0.1'], noFile);
    const r = resolveOptions(parsed);
    expect(r.o).toMatchObject({ schedule: 'one-cycle', lr: 0.1, optimizer: 'adam', epochs: 6 });
    expect(r).toMatchObject({ resume: false, restart: false, fresh: true });
  });

  it("checks a resumed run's saved options like flags: old spellings read, bad values named", () => {
    const old = runFolder('old', { schedule: 'onecycle', lr: 0.05, epochs: 2, init: 'small' });
    const r = resolveOptions(parseCommand(trainSpec, ['--resume', old, '--epochs', '4'], noFile));
    expect(r.o).toMatchObject({ schedule: 'one-cycle', lr: 0.05, epochs: 4, init: 'smallRandom' });
    expect(r).toMatchObject({ resume: false, restart: true, viaResume: true });

    const bad = runFolder('bad', { lr: -1, epochs: 2 });
    const parsed = parseCommand(trainSpec, ['--resume', bad], noFile);
    expect(() => resolveOptions(parsed)).toThrow(UsageError);
    expect(() => resolveOptions(parsed)).toThrow(
      'invalid value for config.json lr: -1 (expected a number > 0)',
    );
  });
});

// End-to-end: `trainkit hpo` of the BUILT command (apps/cli/dist/cli.js), whose workers import
// dist/hpo-objective.js and @trainkit/hpo's built worker entry.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'trainkit-hpo-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('trainkit hpo (built CLI)', () => {
  it('runs a 2-point grid in two worker processes and writes the report', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the CLI first`);
    const dir = join(tmp, 'grid');
    const train = { limit: 100, testLimit: 20, epochs: 1, batchSize: 50, validation: 0.3 };
    const args = [
      CLI,
      'hpo',
      '--space',
      '{"lr": [0.001, 0.01]}',
      '--train',
      JSON.stringify(train),
      '--sampler',
      'grid',
      '--workers',
      '2',
      '--out',
      dir,
    ];
    const r = await new Promise<{ code: number | null; out: string; err: string }>((done) => {
      const child = spawn(process.execPath, args, { env: { ...process.env, CI: '1' } });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.on('close', (code) => done({ code, out, err }));
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 trials \(2 complete, 0 pruned, 0 failed\), budget 2/);
    const best = JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8'));
    expect([0.001, 0.01]).toContain(best.params.lr);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(existsSync(join(dir, 'trials', '1', 'result.json'))).toBe(true);
  }, 120_000);
});

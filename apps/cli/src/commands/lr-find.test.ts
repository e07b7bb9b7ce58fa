import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main';

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-lr-find-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { log: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('trainkit lr-find', () => {
  it('sweeps the rate on the training part, stops on divergence, suggests a rate and writes the curve', async () => {
    const dir = join(tmp, 'sgd');
    const r = await run([
      'lr-find',
      '--limit',
      '200',
      '--validation',
      '0.2',
      '--optimizer',
      'sgd',
      '--min-lr',
      '1e-4',
      '--max-lr',
      '100',
      '--steps',
      '40',
      '--batch-size',
      '16',
      '--out',
      dir,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(join(dir, 'lr-find.json'), 'utf8'));
    expect(j.sizes.train + j.sizes.validation).toBe(200);
    expect(j.sizes.validation).toBeGreaterThan(30);
    // Rates 1e-4 * 10^(6 i / 39): geometric, from --min-lr.
    j.learningRates.forEach((lr: number, i: number) => {
      expect(lr).toBeCloseTo(1e-4 * 10 ** ((6 * i) / 39), 10);
    });
    // Plain SGD at lr 100 on a CNN blows up: the sweep stops early.
    expect(j.stopReason).toBe('diverged');
    expect(j.learningRates.length).toBeLessThan(40);
    expect(j.suggestedLearningRate).toBeCloseTo(j.minimumLossLearningRate / 10, 12);
    expect(r.out).toContain(
      `suggested learning rate ${Number(j.suggestedLearningRate.toPrecision(3))}`,
    );
    expect(r.out).toContain('train with: trainkit train --optimizer sgd --lr');
    const png = readFileSync(join(dir, 'lr-find.png'));
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(readFileSync(join(dir, 'lr-find.html'), 'utf8')).toMatch(/<svg[\s\S]*<path d="M/);
  });

  it('refuses a range that does not grow, naming the flags', async () => {
    const r = await run(['lr-find', '--min-lr', '1', '--max-lr', '0.1', '--out', join(tmp, 'x')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^trainkit: --max-lr \(0\.1\) must exceed --min-lr \(1\)/);
    const s = await run(['lr-find', '--steps', '2']);
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/--steps/);
  });
});

// `trainkit train` in this process (main()), on tiny runs: what a failed, stopped or refused run
// leaves behind, and the checks of its input.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main';

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-recovery-'));
const TINY = ['--limit', '48', '--test-limit', '16', '--validation', '0', '--batch-size', '16'];

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { log: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

describe('trainkit train: failures leave a restartable run', () => {
  it('a NaN stop saves the last good weights, result, report and diagnosis; the run restarts with --resume', async () => {
    const dir = join(tmp, 'nan');
    const r = await cli([
      'train',
      ...TINY,
      '--epochs',
      '1',
      '--optimizer',
      'sgd',
      '--lr',
      '1e30',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^trainkit: --lr: loss became NaN or infinite at step \d+/);
    expect(r.stderr).toContain('saved: the last good weights (model/), result.json, report.html');
    expect(r.stdout).toMatch(/diagnosis/);
    for (const f of ['model/model.json', 'model/weights.bin', 'result.json', 'report.html']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(json(join(dir, 'result.json')).stopReason).toMatch(/non-finite loss at step \d+/);
    // no checkpoint yet: --resume starts it over, with the flag given now
    const again = await cli(['train', '--resume', dir, '--lr', '0.01']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('has no checkpoint yet: starting it over');
    expect(json(join(dir, 'config.json')).options.lr).toBe(0.01);
    expect(json(join(dir, 'result.json')).stopReason).toBeUndefined();
  });

  it('a refused resume keeps the saved options; a check that fails creates no folder', async () => {
    const dir = join(tmp, 'opts');
    expect((await cli(['train', ...TINY, '--epochs', '1', '--out', dir])).code).toBe(0);
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    const bad = await cli([
      'train',
      '--resume',
      dir,
      '--epochs',
      '2',
      '--weight-decay',
      '0.1',
      '--optimizer',
      'rmsprop',
    ]);
    expect(bad.code).toBe(2);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
    const early = await cli(['train', ...TINY, '--early-stopping', '2', '--out', join(tmp, 'es')]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/--early-stopping needs a validation split/);
    expect(existsSync(join(tmp, 'es'))).toBe(false);
    // a resume that produced a checkpoint records its options
    const more = await cli(['train', '--resume', dir, '--epochs', '2']);
    expect(more.code).toBe(0);
    expect(json(join(dir, 'config.json')).options.epochs).toBe(2);
    // the result covers the whole run, the metrics every step once
    expect(json(join(dir, 'result.json')).history).toHaveLength(2);
    const steps = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((x) => x.type === 'step')
      .map((x) => x.step);
    expect(steps).toEqual([0, 1, 2, 3, 4, 5]);
    // a folder whose run finished is refused; another live run's folder too
    expect((await cli(['train', ...TINY, '--out', dir])).stderr).toMatch(/already holds a run/);
    writeFileSync(join(dir, '.trainkit.lock'), String(process.ppid));
    const busy = await cli(['train', '--resume', dir, '--epochs', '3']);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/is in use by trainkit process/);
  });

  it('bad input is one clear line naming the flag', async () => {
    writeFileSync(join(tmp, 'inf.yaml'), 'lr: .inf\n');
    const cases: [string[], RegExp][] = [
      [['--epochs', '0x2'], /invalid value for --epochs: "0x2" \(expected an integer/],
      [['--arch-options', '[1,2]'], /invalid value for --arch-options: .*expected a JSON object/],
      [
        ['--arch-options', '{"inputShape":"x"}'],
        /--arch-options inputShape: "x" \(expected an array of positive integers/,
      ],
      [
        ['--seed', '99999999999'],
        /invalid value for --seed: "99999999999" \(expected an integer >= 0 and <= 2147483647/,
      ],
      [['--config', join(tmp, 'inf.yaml')], /invalid value for 'lr' in .*inf\.yaml: Infinity/],
      [['--csv-shape', '{"a":1}'], /invalid value for --csv-shape: .*positive integers/],
    ];
    for (const [args, want] of cases) {
      const r = await cli(['train', ...TINY, ...args, '--out', join(tmp, 'never')]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(want);
      expect(r.stderr).not.toMatch(/\n/);
    }
    const five = await cli(['train', '--limit', '5', '--out', join(tmp, 'never')]);
    expect(five.code).toBe(2);
    expect(five.stderr).toMatch(/--validation 0\.1 of 5 examples leaves no validation example/);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
    const pca = await cli([
      'pca',
      '--dataset',
      'digits',
      '--components',
      '1.5',
      '--out',
      join(tmp, 'p'),
    ]);
    expect(pca.code).toBe(2);
    expect(pca.stderr).toMatch(/--components: 1\.5 \(expected a whole count/);
  });

  it('two runs without --out started together get two folders', async () => {
    const cwd = process.cwd();
    const here = mkdtempSync(join(tmpdir(), 'trainkit-twins-'));
    process.chdir(here);
    try {
      const [a, b] = await Promise.all([
        cli(['train', ...TINY, '--epochs', '1']),
        cli(['train', ...TINY, '--epochs', '1']),
      ]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const runs = readdirSync(join(here, 'runs'));
      expect(runs).toHaveLength(2);
      for (const r of runs) expect(readdirSync(join(here, 'runs', r))).toContain('result.json');
    } finally {
      process.chdir(cwd);
    }
  });
});

// End-to-end: spawns the BUILT command (apps/cli/dist/cli.js) on tiny settings.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'trainkit-cli-'));
const TINY = ['--limit', '200', '--test-limit', '100', '--validation', '0.2'];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  options: { onStdout?: (text: string, kill: () => void) => void } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: tmp,
      env: { ...process.env, CI: '1', FORCE_COLOR: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      options.onStdout?.(stdout, () => child.kill('SIGINT'));
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** stderr of a failed run: exactly one line `trainkit: ...`, no stack trace. */
function oneLine(r: Result): string {
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^trainkit: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

beforeAll(() => {
  if (!existsSync(CLI)) {
    throw new Error(
      `${CLI} is missing: build the CLI first (npx --yes pnpm@10.34.8 --filter @trainkit/cli build, or pnpm build)`,
    );
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('trainkit (built CLI)', () => {
  it('train -> report -> resume -> transfer on tiny settings; a resumed run equals an uninterrupted one', async () => {
    const a = join(tmp, 'a');
    const b = join(tmp, 'b');
    writeFileSync(join(tmp, 'b.yaml'), 'limit: 200\ntestLimit: 100\nvalidation: 0.2\nepochs: 2\n');
    // Run A: 1 epoch, later resumed to 2. Run B: 2 epochs in one go, configured by a YAML file.
    const [trainA, trainB] = await Promise.all([
      cli(['train', ...TINY, '--epochs', '1', '--out', a]),
      cli(['train', '--config', join(tmp, 'b.yaml'), '--out', b]),
    ]);
    expect(trainA.stderr).toBe('');
    expect(trainA.code).toBe(0);
    expect(trainB.code).toBe(0);
    expect(trainA.stdout).toMatch(/test accuracy 0\.\d{4}/);
    expect(trainA.stdout).toContain(`report: ${join(a, 'report.html')}`);
    expect(trainA.stdout).toMatch(/diagnosis/);
    for (const f of ['config.json', 'metrics.jsonl', 'report.html', 'loss.png', 'result.json']) {
      expect(existsSync(join(a, f)), f).toBe(true);
    }
    expect(existsSync(join(a, 'model', 'model.json'))).toBe(true);
    expect(existsSync(join(a, 'checkpoint', 'checkpoint.json'))).toBe(true);
    expect(readdirSync(join(a, 'tensorboard'))[0]).toMatch(/^events\.out\.tfevents\./);
    const config = JSON.parse(readFileSync(join(a, 'config.json'), 'utf8'));
    expect(config.options).toMatchObject({
      arch: 'lenet5',
      epochs: 1,
      limit: 200,
      optimizer: 'adam',
    });
    expect(config.resolved.archOptions).toMatchObject({ inputShape: [28, 28, 1], numClasses: 10 });
    const sizes = config.resolved.sizes;
    expect(sizes.train + sizes.validation).toBe(200);
    expect(sizes.validation).toBeGreaterThanOrEqual(38); // 20%, stratified per class
    expect(sizes.validation).toBeLessThanOrEqual(42);
    expect(sizes.test).toBe(100);
    const steps = Math.ceil(sizes.train / 32);
    const lines = readFileSync(join(a, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((r) => r.type === 'step')).toHaveLength(steps);
    expect(lines.filter((r) => r.type === 'epoch')).toHaveLength(1);
    expect(readFileSync(join(a, 'report.html'), 'utf8')).toMatch(/<html/i);

    const [report, diag] = await Promise.all([
      cli(['report', a, '--out', join(tmp, 'a.html')]),
      cli(['diagnose', a, '--json']),
    ]);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(new RegExp(`^run: ${steps} steps, 1 epochs recorded`, 'm'));
    expect(existsSync(join(tmp, 'a.html'))).toBe(true);
    expect(diag.code).toBe(0);
    expect(Array.isArray(JSON.parse(diag.stdout.slice(diag.stdout.indexOf('['))))).toBe(true);

    const resumed = await cli(['train', '--resume', a, '--epochs', '2']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`resuming at epoch 1 (step ${steps})`);
    const ra = JSON.parse(readFileSync(join(a, 'result.json'), 'utf8'));
    const rb = JSON.parse(readFileSync(join(b, 'result.json'), 'utf8'));
    expect(ra.step).toBe(2 * steps);
    expect(rb.step).toBe(2 * steps);
    // Same seed, same data order, optimizer state carried over: the same weights at the end.
    expect(ra.testLoss).toBeCloseTo(rb.testLoss, 4);
    expect(ra.history.at(-1).loss).toBeCloseTo(rb.history.at(-1).loss, 4);

    const digits = [
      '--dataset',
      'digits',
      '--limit',
      '200',
      '--test-limit',
      '100',
      '--epochs',
      '1',
    ];
    const [transfer, finetune, again] = await Promise.all([
      cli(['transfer', a, ...digits, '--similarity', 'different', '--out', join(tmp, 't')]),
      cli(['transfer', join(a, 'model', 'model.json'), ...digits, '--strategy', 'finetune']),
      cli(['train', '--resume', a]),
    ]);
    expect(again.code).toBe(2);
    expect(oneLine(again)).toBe(
      `trainkit: run ${a} already has 2 of 2 epochs: pass --epochs > 2 to continue it`,
    );

    expect(finetune.stderr).toBe('');
    expect(finetune.code).toBe(0);
    expect(finetune.stdout).toMatch(/strategy finetune: new 10-way head after 'f6', body lr x0.1/);
    expect(transfer.stderr).toBe('');
    expect(transfer.code).toBe(0);
    expect(transfer.stdout).toContain('images adapted [8, 8, 1] -> [28, 28, 1]');
    expect(transfer.stdout).toMatch(/advisor: case small-different -> linear-on-earlier-codes/);
    expect(transfer.stdout).toMatch(/why: .+/);
    expect(transfer.stdout).toMatch(/test accuracy 0\.\d{4}/);
    expect(existsSync(join(tmp, 't', 'model', 'model.json'))).toBe(true);
  });

  it('Ctrl-C during training saves a resumable checkpoint and exits 130', async () => {
    const dir = join(tmp, 'sigint');
    let sent = false;
    const r = await cli(['train', ...TINY, '--epochs', '200', '--out', dir], {
      onStdout: (text, kill) => {
        if (!sent && /^epoch 1\/200/m.test(text)) {
          sent = true;
          kill();
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/interrupted after .* checkpoint saved at epoch \d+, step \d+/);
    expect(r.stderr).toContain(
      `trainkit: interrupted; resume with: trainkit train --resume ${dir}`,
    );
    const ckpt = JSON.parse(readFileSync(join(dir, 'checkpoint', 'checkpoint.json'), 'utf8'));
    expect(ckpt.epoch).toBeGreaterThanOrEqual(1);
    expect(ckpt.epoch).toBeLessThan(200);
    // The checkpoint keeps the place inside the cut epoch: resuming it to the end of that epoch
    // equals the same number of epochs trained without a break.
    const epochs = String(ckpt.epoch + 1);
    const resumed = await cli(['train', '--resume', dir, '--epochs', epochs]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    if (ckpt.batch !== undefined) {
      expect(r.stdout).toContain(`after batch ${ckpt.batch} of`);
      expect(resumed.stdout).toContain(`batch ${ckpt.batch} of epoch ${ckpt.epoch + 1})`);
    }
    const straight = await cli(['train', ...TINY, '--epochs', epochs, '--out', join(tmp, 'nocut')]);
    expect(straight.code).toBe(0);
    const rr = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    const rs = JSON.parse(readFileSync(join(tmp, 'nocut', 'result.json'), 'utf8'));
    expect(rr.step).toBe(rs.step);
    expect(rr.testLoss).toBeCloseTo(rs.testLoss, 6);
  });

  it('bad input: one line naming the problem, exit 2 for usage and 1 for runtime, stack only with --debug', async () => {
    writeFileSync(join(tmp, 'bad.yaml'), 'epochs: many\n');
    const [
      unknown,
      invalid,
      missingData,
      missingConfig,
      badConfig,
      shape,
      debug,
      noCmd,
      resumeNone,
    ] = await Promise.all([
      cli(['train', '--epoch', '3']),
      cli(['train', '--optimizer', 'lbfgs']),
      cli(['train', '--dataset', join(tmp, 'nope.csv')]),
      cli(['train', '--config', join(tmp, 'nope.yaml')]),
      cli(['train', '--config', join(tmp, 'bad.yaml')]),
      cli(['train', '--dataset', 'digits', '--out', join(tmp, 'shape')]),
      cli(['train', '--dataset', join(tmp, 'nope.csv'), '--debug']),
      cli(['frobnicate']),
      cli(['train', '--resume', join(tmp, 'nowhere')]),
    ]);
    expect(unknown.code).toBe(2);
    expect(oneLine(unknown)).toBe(
      "trainkit: unknown option '--epoch' for 'trainkit train' (see trainkit train --help)",
    );
    expect(invalid.code).toBe(2);
    expect(oneLine(invalid)).toMatch(
      /invalid value for --optimizer: "lbfgs" \(expected one of sgd, .*adam/,
    );
    expect(missingData.code).toBe(1);
    expect(oneLine(missingData)).toMatch(/--dataset: dataset not found.*nope\.csv/);
    expect(missingConfig.code).toBe(2);
    expect(oneLine(missingConfig)).toMatch(/cannot read config file .*nope\.yaml: no such file/);
    expect(badConfig.code).toBe(2);
    expect(oneLine(badConfig)).toMatch(/invalid value for 'epochs' in .*bad\.yaml: "many"/);
    expect(shape.code).toBe(1);
    expect(oneLine(shape)).toMatch(
      /--dataset: the examples of UCI digits .*\[8, 8, 1\].* do not fit lenet5/,
    );
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
    expect(noCmd.code).toBe(2);
    expect(oneLine(noCmd)).toMatch(/unknown command 'frobnicate'/);
    expect(resumeNone.code).toBe(1);
    expect(oneLine(resumeNone)).toMatch(/--resume: not a run folder/);
  });

  it('help, summary, pca and bench', async () => {
    const [help, summary, pca, bench] = await Promise.all([
      cli(['train', '--help']),
      cli(['summary', 'lenet5']),
      cli(['pca', '--dataset', 'digits', '--components', '10', '--out', join(tmp, 'pca')]),
      cli(['bench', '--models', 'lenet', '--steps', '1', '--no-torch']),
    ]);
    expect(bench.code).toBe(0);
    expect(bench.stdout).toMatch(/PyTorch skipped \(--no-torch\)/);
    expect(bench.stdout).toMatch(/LeNet-5 28x28x1: tfjs wasm \d+\.\d ms\/step, \d+ images\/s/);
    expect(help.code).toBe(0);
    for (const flag of [
      '--dataset',
      '--arch',
      '--epochs',
      '--resume',
      '--config',
      '--debug',
      '--augment',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect(summary.code).toBe(0);
    // LeCun et al. 1998 on 32x32: 156 + 2,416 + 48,120 + 10,164 + 850 parameters.
    expect(summary.stdout).toContain('Total params: 61,706');
    expect(pca.code).toBe(0);
    expect(pca.stdout).toMatch(/10 components explain \d+\.\d% of the variance/);
    const png = readFileSync(join(tmp, 'pca', 'spectrum.png'));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(existsSync(join(tmp, 'pca', 'components.png'))).toBe(true);
    const transform = JSON.parse(readFileSync(join(tmp, 'pca', 'transform.json'), 'utf8'));
    expect(transform.pca.kind).toBe('preprocess.pca');
  });
});

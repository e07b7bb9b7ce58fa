// Ctrl-C latency in the middle of an epoch: starts `trainkit train` on the embedded Fashion-MNIST
// subset (one epoch of ~60 steps), sends SIGINT (or SIGTERM) a while into the first epoch and
// measures the time until the process has saved its checkpoint and exited.
//   node apps/cli/scripts/ctrl-c-latency.mjs [tries=5] [SIGINT|SIGTERM]
// Runs the CLI from its sources (node --conditions=@trainkit/source apps/cli/dev.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const tries = Number(process.argv[2] ?? 5);
const signal = process.argv[3] ?? 'SIGINT';
const tmp = mkdtempSync(join(tmpdir(), 'trainkit-ctrlc-'));
const results = [];
for (let i = 0; i < tries; i++) {
  const out = join(tmp, `r${i}`);
  const child = spawn(
    process.execPath,
    [
      '--conditions=@trainkit/source',
      'dev.mjs',
      'train',
      '--epochs',
      '3',
      '--validation',
      '0',
      '--test-limit',
      '100',
      '--out',
      out,
    ],
    { cwd: cliDir, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  let sentAt = 0;
  child.stdout.on('data', (d) => {
    text += d;
    if (!sentAt && /^training: /m.test(text)) {
      // 0.8 to 2.3 s into the first epoch (an epoch takes several seconds here)
      setTimeout(
        () => {
          sentAt = performance.now();
          child.kill(signal);
        },
        800 + 300 * i,
      );
    }
  });
  const code = await new Promise((r) => child.on('close', (c) => r(c)));
  const ms = performance.now() - sentAt;
  const epochLines = (text.match(/^epoch \d+\//gm) ?? []).length;
  const ckpt = JSON.parse(readFileSync(join(out, 'checkpoint', 'checkpoint.json'), 'utf8'));
  results.push(ms);
  console.log(
    `try ${i + 1}: ${signal} -> exit ${code} after ${ms.toFixed(0)} ms; epochs finished before: ${epochLines}; checkpoint epoch ${ckpt.epoch} batch ${ckpt.batch ?? '-'} step ${ckpt.step}`,
  );
}
results.sort((a, b) => a - b);
console.log(
  `${signal} latency mid-epoch: median ${results[Math.floor(results.length / 2)].toFixed(0)} ms, max ${results.at(-1).toFixed(0)} ms over ${tries} tries`,
);
rmSync(tmp, { recursive: true, force: true });

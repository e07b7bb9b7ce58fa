// Every package README's first ```ts block is a complete program: this test copies it into a
// scratch folder of this package (whose devDependencies are every @trainkit package and the
// tfjs packages, like a user's project) and runs it in its own Node process, as a user would
// with tsx. The `@trainkit/source` condition points the imports at the TypeScript sources, so no
// build is needed.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmes, repoRoot as root, writeExample } from './readme-files';

/**
 * What each example must print on stdout, beyond exiting 0: the result its README promises. An
 * objective that throws inside a study, or a loop that trains nothing, still exits 0.
 */
const prints: Record<string, RegExp> = {
  architectures:
    /Total params: 61,706[\s\S]*resnet50 25,557,032[\s\S]*sliding-window output \[ 1, 3, 3, 10 \]/,
  backend: /training on wasm\nloss \d/,
  batchnorm: /same outputs \(max \|diff\| \d\.\de-[5-9]\)/,
  core: /SHAPE: x\[1\]: ragged[\s\S]*RANGE: learningRate: out of range/,
  data: /batches of \[64,28,28,1\] images .* and \[64,10\] one-hot labels\n28 full batches/,
  hpo: /best val_acc 0\.\d+[\s\S]*\d+ complete, \d+ pruned, 0 failed/,
  init: /variance 0\.01[34]\d \(2 \/ 144/,
  linalg:
    /gemm \[ 4, 5, 10, 11 \][\s\S]*eigenvalues \[ '3\.000000', '1\.000000' \][\s\S]*top 3 of diag\(1\/i\) \[ '1\.000000', '0\.500000', '0\.333333' \][\s\S]*ridge \[ '0\.375000', '0\.062500' \]/,
  monitors: /report runs\/a\/report\.html/,
  optimizers:
    /fitted kernel \[ '(0\.99\d|1\.0[01]\d)', '-(1\.99\d|2\.0[01]\d)', '0\.(49|50)\d' \][\s\S]*frozen 'features' kernel changed: false/,
  plot: /loss curve: \d+ bytes[\s\S]*heat map corners: \[ 68, 1, 84 \] \[ 253, 231, 37 \]/,
  preprocess: /PCA keeps 3 of 20 components/,
  regularizers: /unit norms after max-norm \[ '3\.000'/,
  train: /test accuracy 0\.9\d\d|test accuracy 1\.000/,
  transfer: /linear head on the codes: test accuracy 0\.\d+[\s\S]*fine-tuned: test accuracy/,
};

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The end of a child's stderr, minus lines too long to read (tfjs-backend-wasm rethrows
 * unhandled rejections from its one-line minified source, which Node then prints).
 */
function readable(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => (l.length > 400 ? `${l.slice(0, 120)}... (${l.length} characters)` : l))
    .filter((l) => l.trim() !== '');
  return lines.slice(-40).join('\n');
}

function runExample(file: string, cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@trainkit/source', '--import', 'tsx', file],
      { cwd, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

describe('README examples', () => {
  const all = readmes();
  it('finds every package README', () => {
    expect(all.filter((r) => r.required).map((r) => r.name)).toEqual(Object.keys(prints).sort());
  });

  for (const readme of all) {
    const shown = relative(root, readme.file);
    if (readme.code === undefined && !readme.required) continue;

    it(`${shown}: the first example runs on its own`, async () => {
      expect(readme.code, `${shown} has no \`\`\`ts example`).toBeDefined();
      const file = writeExample(readme);
      const dir = dirname(file);

      const run = await runExample(file, dir, 90_000);
      if (run.code !== 0)
        throw new Error(
          `${shown}: the example exited with ${run.code ?? run.signal} (the program: ${relative(root, file)})\n` +
            `--- stderr\n${readable(run.stderr)}\n--- stdout (end)\n${run.stdout.trim().slice(-2000)}`,
        );
      expect(run.stdout, `${shown}: what the example printed`).toMatch(prints[readme.name] ?? /\S/);
      rmSync(dir, { recursive: true, force: true });
    }, 120_000);
  }
});

// End-to-end: the BUILT command (apps/cli/dist/cli.js) runs `trainkit transfer` on a folder of
// images it has never seen: generated JPEGs of two classes (horizontal vs vertical stripes), one
// PNG, and one corrupt file; the model is the repository's fixture network, once from its folder
// and once by URL from a server on 127.0.0.1 (loadPretrained's download + cache path).
import { spawn } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveImage } from '@trainkit/data/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, '..', 'dist', 'cli.js');
const MODEL = join(HERE, '..', '..', '..', 'packages', 'transfer', 'fixtures', 'fashion04-cnn');
const tmp = mkdtempSync(join(tmpdir(), 'trainkit-cli-images-'));
const photos = join(tmp, 'photos');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: tmp,
      env: { ...process.env, CI: '1', FORCE_COLOR: '0', TRAINKIT_CACHE: join(tmp, 'cache') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** 12 images per class, 40x36 RGB stripes with noise; the first of each class a PNG. */
async function makePhotos(): Promise<void> {
  let s = 7;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (const [cls, vertical] of [
    ['horizontal', false],
    ['vertical', true],
  ] as const) {
    for (let k = 0; k < 12; k++) {
      const w = 40;
      const h = 36;
      const data = new Uint8Array(w * h * 3);
      const period = 6 + Math.floor(rnd() * 4);
      const phase = Math.floor(rnd() * period);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const on = ((vertical ? x : y) + phase) % period < period / 2;
          for (let c = 0; c < 3; c++) {
            data[(y * w + x) * 3 + c] = Math.max(
              0,
              Math.min(255, (on ? 220 : 30) + (rnd() - 0.5) * 60),
            );
          }
        }
      }
      const name = `${k}.${k === 0 ? 'png' : 'jpg'}`;
      await saveImage(join(photos, cls, name), { data, width: w, height: h, channels: 3 });
    }
  }
  writeFileSync(join(photos, 'vertical', 'corrupt.jpg'), 'this is not a JPEG');
}

let server: Server;
let base: string;

beforeAll(async () => {
  if (!existsSync(CLI)) {
    throw new Error(
      `${CLI} is missing: build the CLI first (npx --yes pnpm@10.34.8 --filter @trainkit/cli... build, or pnpm build)`,
    );
  }
  await makePhotos();
  server = createServer((req, res) => {
    const p = join(MODEL, decodeURIComponent((req.url ?? '/').replace(/^\/fashion04-cnn/, '')));
    if (!existsSync(p)) return void res.writeHead(404).end();
    createReadStream(p).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('trainkit transfer on an image folder (built CLI)', () => {
  it('probes, plans, trains, tests and reports; skips and names the corrupt file', async () => {
    const out = join(tmp, 'run');
    const r = await cli([
      'transfer',
      MODEL,
      '--dataset',
      photos,
      '--skip-corrupt',
      '--epochs',
      '3',
      '--batch-size',
      '8',
      '--lr',
      '0.01',
      '--test-split',
      '0.25',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '2 classes (horizontal, vertical), 19 train / 6 test images, resized to 28x28x1',
    );
    expect(r.stdout).toMatch(
      /similarity probes \(\d+ images\): input [\d.]+, .* -> score [\d.]+, (similar|different)/,
    );
    expect(r.stdout).toMatch(/advisor: case small-(similar|different) -> /);
    expect(r.stdout).toMatch(/ {2}why: \d+ examples per class/);
    expect(r.stdout).toMatch(/epoch 3\/3: loss [\d.]+ {2}acc [\d.]+/);
    expect(r.stdout).toMatch(/true\\pred horizontal +vertical/);
    expect(r.stdout).toContain('skipped 1 unreadable file(s):');
    expect(r.stdout).toContain(join(photos, 'vertical', 'corrupt.jpg'));
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    const m = result.confusionMatrix as number[][];
    const total = m.flat().reduce((a, b) => a + b, 0);
    const diagonal = m[0]![0]! + m[1]![1]!;
    // the corrupt file falls in one part of the split: the test part scores 6 images, or 5 without it
    expect([result.testImages, result.testImages - 1]).toContain(total);
    expect(result.testAccuracy).toBeCloseTo(diagonal / total, 10);
    expect(result.misclassified).toHaveLength(total - diagonal);
    expect(result.skipped).toHaveLength(1);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Confusion matrix</h2>');
    expect(html).toContain(`<h2>Misclassified images (${total - diagonal})</h2>`);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  });

  it('stops with one line naming the corrupt file unless asked to skip it', async () => {
    const r = await cli([
      'transfer',
      MODEL,
      '--dataset',
      photos,
      '--epochs',
      '1',
      '--strategy',
      'features',
    ]);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^trainkit: .*corrupt\.jpg: cannot decode the image/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('downloads a model by URL into the cache, then trains from scratch with ten-crop TTA', async () => {
    const url = `${base}/fashion04-cnn/model.json`;
    const r = await cli([
      'transfer',
      url,
      '--dataset',
      photos,
      '--skip-corrupt',
      '--strategy',
      'scratch',
      '--epochs',
      '1',
      '--tta',
      'ten-crop',
      '--augment',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`pretrained: ${url} downloaded`);
    expect(r.stdout).toContain('random resized crops + flips');
    expect(r.stdout).toMatch(/test accuracy [\d.]+ \(\d+\/\d+, ten-crop TTA\)/);
    const again = await cli([
      'transfer',
      url,
      '--dataset',
      photos,
      '--skip-corrupt',
      '--strategy',
      'features',
      '--epochs',
      '1',
      '--offline',
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`pretrained: ${url} from the cache`);
    const missing = await cli(['transfer', 'darknet-tiny', '--dataset', photos, '--offline']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(
      /^trainkit: darknet-tiny: 'darknet-tiny' is not in the cache \(offline\); expected to work offline, place these 32 files by hand in /,
    );
  });
});

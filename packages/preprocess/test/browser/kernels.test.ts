// PCA on the kernels in headless Chromium, against the tfjs engine on the same page.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from '@trainkit/core/test';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../helpers';

const CHROMIUM = chromiumPath();
if (!CHROMIUM)
  console.log('skipping the preprocess browser test: no chromium (apt-get install chromium)');

interface Fit {
  solver: string;
  explainedVariance: number[];
  z: number[];
}
interface Result {
  compiled: boolean;
  defaultIsKernels: boolean;
  kernels: Fit;
  backend: Fit;
  tensors: number;
}

describe.skipIf(!CHROMIUM)('preprocess kernels in headless Chromium', () => {
  let dir = '';
  let server: Server;
  let url = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trainkit-preprocess-'));
    await build({
      entryPoints: [fileURLToPath(new URL('./entry.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['@trainkit/source'],
      outfile: join(dir, 'entry.js'),
      logLevel: 'error',
    });
    const html = '<!doctype html><script type="module" src="/entry.js"></script>';
    server = createServer((req, res) => {
      const js = req.url === '/entry.js';
      res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
      res.end(js ? readFileSync(join(dir, 'entry.js')) : html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
  }, 60_000);

  afterAll(() => {
    server?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('compiles on the main thread, is the default engine, and fits and transforms as tfjs does', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: chromiumArgs(),
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => 'runKernelsTest' in globalThis);
      const result = (await page.evaluate(() =>
        (globalThis as unknown as { runKernelsTest: () => Promise<unknown> }).runKernelsTest(),
      )) as Result;
      expect(result.compiled).toBe(true);
      expect(result.defaultIsKernels).toBe(true);
      expect(result.kernels.solver).toBe('randomized');
      expectClose(result.kernels.explainedVariance, result.backend.explainedVariance, 1e-5);
      // Whitened projections: the same up to each component's sign.
      const k = 10;
      const signs = Array.from({ length: k }, (_, j) =>
        Math.sign(result.kernels.z[j]! * result.backend.z[j]!),
      );
      expectClose(
        result.kernels.z.map((v, i) => v * signs[i % k]!),
        result.backend.z,
        1e-3,
      );
      expect(result.tensors).toBe(0);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

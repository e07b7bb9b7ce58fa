// Trains a tiny CNN on WebGPU (SwiftShader) and on cpu in headless Chromium; losses must agree.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from '@trainkit/core/test';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = chromiumPath() ?? '/usr/bin/chromium';
const hasChromium = chromiumPath() !== undefined;
if (!hasChromium) console.log(`skipping WebGPU browser test: ${CHROMIUM} not found`);

interface Run {
  backend: string;
  losses: number[];
  msPerStep: number;
}
interface Result {
  adapter: string | null;
  auto: string;
  cpu: Run;
  webgpu: Run;
}

describe.skipIf(!hasChromium)('WebGPU in headless Chromium', () => {
  let dir = '';
  let server: Server;
  let url = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trainkit-webgpu-'));
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
      if (req.url === '/entry.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(readFileSync(join(dir, 'entry.js')));
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(html);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
  }, 60_000);

  afterAll(() => {
    server?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('trains 3 SGD steps on webgpu with the same losses as cpu', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: chromiumArgs({ webgpu: true }),
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => 'runWebGpuTest' in globalThis);
      const result = (await page.evaluate(() =>
        (globalThis as unknown as { runWebGpuTest: () => Promise<unknown> }).runWebGpuTest(),
      )) as Result;
      console.log(
        `WebGPU adapter ${result.adapter}; auto picked ${result.auto}; ` +
          `webgpu ${result.webgpu.msPerStep.toFixed(0)} ms/step, cpu ${result.cpu.msPerStep.toFixed(0)} ms/step`,
      );
      expect(result.adapter).toBe('swiftshader');
      expect(result.auto).toBe('webgpu');
      expect(result.webgpu.backend).toBe('webgpu');
      expect(result.cpu.backend).toBe('cpu');
      expect(result.webgpu.losses).toHaveLength(3);
      for (let i = 0; i < 3; i++) {
        const ref = result.cpu.losses[i] as number;
        expect(Number.isFinite(ref)).toBe(true);
        expect(Math.abs((result.webgpu.losses[i] as number) - ref)).toBeLessThanOrEqual(
          1e-4 * Math.abs(ref) + 1e-6,
        );
      }
      // SGD must make progress, so the comparison is not between two constant sequences.
      expect(result.cpu.losses[2]).not.toBe(result.cpu.losses[0]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

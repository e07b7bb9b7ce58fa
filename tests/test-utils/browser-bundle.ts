import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs, chromiumPath } from './chromium';

/** A page served on 127.0.0.1 (see {@link serveBrowserBundle}). */
export interface BrowserPage {
  url: string;
  close(): Promise<void>;
}

/**
 * Bundles the browser module `entry` (workspace packages resolved to their sources, through
 * the `@trainkit/source` condition) with esbuild, and serves it on 127.0.0.1 as the one script
 * of a blank page, for a headless Chromium test to open. Needs `esbuild` installed.
 */
export async function serveBrowserBundle(entry: string): Promise<BrowserPage> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-page-'));
  let js: Buffer;
  try {
    await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['@trainkit/source'],
      outfile: join(dir, 'entry.js'),
      logLevel: 'error',
    });
    js = readFileSync(join(dir, 'entry.js'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const html = '<!doctype html><script type="module" src="/entry.js"></script>';
  const server = createServer((req, res) => {
    const script = req.url === '/entry.js';
    res.writeHead(200, { 'content-type': script ? 'text/javascript' : 'text/html' });
    res.end(script ? js : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Bundles and serves `entry` ({@link serveBrowserBundle}), opens it in headless Chromium
 * ({@link chromiumPath}, {@link chromiumArgs}) and returns what the page's global function
 * `run` resolves to; closes everything after. Needs `esbuild` and `playwright-core` installed.
 * @example const result = await runInChromium<Result>(entryFile, 'runKernelsTest');
 */
export async function runInChromium<T>(
  entry: string,
  run: string,
  options: { webgpu?: boolean } = {},
): Promise<T> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('runInChromium: no chromium (apt-get install chromium)');
  const { chromium } = await import('playwright-core');
  const site = await serveBrowserBundle(entry);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: chromiumArgs(options),
  });
  try {
    const page = await browser.newPage();
    await page.goto(site.url);
    await page.waitForFunction((name) => name in globalThis, run);
    return (await page.evaluate(
      (name) => (globalThis as unknown as Record<string, () => Promise<unknown>>)[name]!(),
      run,
    )) as T;
  } finally {
    await browser.close();
    await site.close();
  }
}

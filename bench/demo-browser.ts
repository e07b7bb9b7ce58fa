// The browser demo's training speed as a user sees it: the built site (apps/demo/dist) served on
// 127.0.0.1 and opened in headless Chromium (Debian's chromium, driven by playwright-core); the
// demo's worker trains LeNet-5 on Fashion-MNIST-like images with Adam, batch 32, on each backend
// the page offers here: wasm (with trainkit's training kernels, what the worker picks when WebGPU
// and WebGL are missing), WebGPU (SwiftShader: a CPU emulation on a machine without a GPU, so a
// figure of the path, not of a GPU) and cpu. ms/step is the median of the per-step times the
// page's monitor reports (fit's `stepTimeMs`, one record every `every` steps), after the first 10
// steps (kernel compilation, warm-up); the wall-clock figure is the whole run (click to "done",
// warm-up, monitors and the epoch's validation included) over its steps.
//   npx tsx bench/demo-browser.ts       (DEMO_BENCH_STEPS=n steps per run, default 60;
//                                        DEMO_BENCH_BACKENDS=wasm,webgpu,cpu; builds the site if
//                                        apps/demo/dist is missing)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs, chromiumPath } from '@trainkit/test-utils';
import { chromium } from 'playwright-core';
import { serveStatic } from '../apps/demo/test/static-server';

const here = new URL('.', import.meta.url).pathname;
const app = join(here, '..', 'apps', 'demo');
const STEPS = Number(process.env.DEMO_BENCH_STEPS ?? 60);
const BATCH = 32;
const BACKENDS = (process.env.DEMO_BENCH_BACKENDS ?? 'wasm,webgpu,cpu').split(',');
// Monitoring intervals: the page's default (histograms, filter images and the activation probe
// every 10 steps) and one past the run's end (the monitor's per-step records only).
const EVERY = (process.env.DEMO_BENCH_EVERY ?? `10,${STEPS * 10}`).split(',').map(Number);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export interface DemoFigure {
  backend: string;
  every: number;
  got: string;
  msPerStep: number;
  wallMsPerStep: number;
  steps: number;
}

export async function benchDemo(): Promise<DemoFigure[]> {
  const exe = chromiumPath();
  if (!exe) {
    console.log('[demo-browser] chromium not found: skipped (apt-get install chromium)');
    return [];
  }
  if (!existsSync(join(app, 'dist', 'index.html'))) {
    console.log('[demo-browser] building the site (vite build)');
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: app, stdio: 'inherit' });
  }
  const server = await serveStatic(app);
  const browser = await chromium.launch({
    executablePath: exe,
    headless: true,
    args: chromiumArgs({ webgpu: true }),
  });
  const figures: DemoFigure[] = [];
  try {
    for (const [backend, every] of BACKENDS.flatMap((b) => EVERY.map((e) => [b, e] as const))) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const query = [
        `backend=${backend}`,
        'architecture=lenet5',
        'optimizer=adam',
        'learning-rate=0.001',
        'schedule=constant',
        `batch-size=${BATCH}`,
        `train-size=${BATCH * STEPS}`,
        'val-size=32',
        'epochs=1',
        `every=${every}`,
      ].join('&');
      await page.goto(`${server.url}dist/?${query}`);
      await page.waitForSelector('#backend[data-backend]', { timeout: 120_000 });
      await page.waitForSelector('#dataset-status[data-ready="true"]', { timeout: 120_000 });
      const got = (await page.getAttribute('#backend', 'data-backend')) ?? '?';
      if (got !== backend) {
        console.log(`[demo-browser] asked for ${backend}, the page got ${got}: skipped`);
        await page.close();
        continue;
      }
      // The page's status line says "…: step N, …, X ms/step" after each redraw; sample it.
      await page.click('#start');
      const samples: { t: number; step: number; ms?: number }[] = [];
      const seen = new Map<number, number>();
      const t0 = Date.now();
      for (;;) {
        const s = await page.evaluate(() => {
          const el = document.getElementById('status') as HTMLElement;
          return { state: el.dataset.state, step: el.dataset.step, text: el.textContent ?? '' };
        });
        const step = Number(s.step ?? Number.NaN);
        const ms = /([\d.]+) ms\/step/.exec(s.text)?.[1];
        if (Number.isFinite(step)) {
          samples.push({ t: Date.now(), step, ...(ms ? { ms: Number(ms) } : {}) });
          if (ms && step >= 10) seen.set(step, Number(ms));
        }
        if (s.state === 'done' || Date.now() - t0 > 600_000) break;
        const banner = await page.isVisible('#banner');
        if (banner) throw new Error(`demo error: ${await page.textContent('#banner')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);
      const tEnd = Date.now();
      // the page draws what arrived before "done" on its next redraw
      await page.waitForSelector('#status:not([data-draw-pending])', { state: 'attached' });
      const lastStep = Number(await page.getAttribute('#status', 'data-step'));
      // the whole run from the click to "done": warm-up, every step, the monitors, validation
      const wallMsPerStep = lastStep > 0 ? (tEnd - t0) / lastStep : Number.NaN;
      figures.push({
        backend,
        every,
        got,
        msPerStep: seen.size >= 3 ? median([...seen.values()]) : Number.NaN,
        wallMsPerStep,
        steps: lastStep,
      });
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchDemo();
  console.log(
    `\nBrowser demo in headless Chromium: LeNet-5, Adam, batch ${BATCH}, ${STEPS} steps (load ${loadavg()[0]!.toFixed(1)})`,
  );
  console.log(
    '| backend | monitor every | ms/step (monitor, median after step 10) | ms/step (wall clock, whole run from the click) | steps |',
  );
  console.log('|---|---|---|---|---|');
  for (const f of figures)
    console.log(
      `| ${f.backend === 'webgpu' ? 'webgpu (SwiftShader, CPU-emulated)' : f.backend} | ${f.every > STEPS ? 'never (records only)' : `${f.every} steps`} | ${f.msPerStep.toFixed(1)} | ${f.wallMsPerStep.toFixed(1)} | ${f.steps} |`,
    );
}

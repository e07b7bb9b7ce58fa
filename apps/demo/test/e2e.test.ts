// End to end: builds (or reuses) the static site, serves it on 127.0.0.1 and drives Debian's
// chromium headless (WebGPU through SwiftShader) with playwright-core.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from '@trainkit/test-utils';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idxBytes, tinyModelFiles } from './fixtures';
import { serveStatic } from './static-server';

const CHROMIUM = chromiumPath() ?? '/usr/bin/chromium';
const hasChromium = chromiumPath() !== undefined;
if (!hasChromium)
  console.log(
    `[demo] ${CHROMIUM} not found: the end-to-end browser tests are skipped (apt-get install chromium)`,
  );

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(app, 'test-artifacts');

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** Builds the site unless dist/ is newer than the sources (CI builds it first). */
function ensureBuilt(): void {
  const index = join(app, 'dist', 'index.html');
  const sources = Math.max(
    newest(join(app, 'src')),
    statSync(join(app, 'index.html')).mtimeMs,
    statSync(join(app, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  console.log('[demo] building the site (vite build)');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: app, stdio: 'inherit' });
}

interface Probe {
  longTasks: number[];
  gaps: number[];
  /** Durations of the page's chart redraws (user timing 'demo:draw'). */
  draws?: number[];
  /** Wall-clock ms between startProbe and stopProbe. */
  wallMs?: number;
  start?: number;
}

/** Starts recording long tasks and the gaps between animation frames in the page. */
async function startProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { probe: Probe & { on: boolean } };
    w.probe = { longTasks: [], gaps: [], on: true, start: performance.now() };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.probe.longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
    let last = performance.now();
    const frame = (t: number) => {
      if (!w.probe.on) return;
      w.probe.gaps.push(t - last);
      last = t;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

/**
 * The page must stay responsive while the worker trains (training on the page's own thread
 * would block it for the whole run, tens of seconds):
 * - tasks: none over 2 s, and all long tasks (> 50 ms) together under a quarter of the run's
 *   wall clock (measured: 3-8 tasks of 100-200 ms in an 8-30 s run, ~5%); a single-task bound
 *   tighter than 2 s is printed, not asserted: on this shared 2-core machine a 20 ms task of the
 *   page can take ten times as long under load;
 * - frames: 95% within 100 ms and no gap over 2 s, asserted where frames depend on the page
 *   alone. With WebGPU on SwiftShader (`frames: false`) the browser's GPU process both computes
 *   the training and composites the frames on the CPU, so on a loaded machine a frame, or a
 *   canvas draw of the page, can wait seconds for it while the page's thread is idle: there
 *   frame gaps are printed only and the task bound is 8 s.
 */
function expectResponsive(probe: Required<Probe>, { frames = true } = {}): void {
  const sorted = [...probe.gaps].sort((a, b) => a - b);
  expect(sorted.length).toBeGreaterThan(10);
  expect(Math.max(0, ...probe.longTasks)).toBeLessThan(frames ? 2000 : 8000);
  const busy = probe.longTasks.reduce((a, b) => a + b, 0);
  expect(busy).toBeLessThan(probe.wallMs / 4);
  if (frames) {
    expect(sorted[Math.floor(0.95 * (sorted.length - 1))]!).toBeLessThan(100);
    expect(Math.max(0, ...probe.gaps)).toBeLessThan(2000);
  }
}

async function stopProbe(page: Page, label: string): Promise<Required<Probe>> {
  const probe = await page.evaluate(() => {
    const w = window as unknown as { probe: Probe & { on: boolean } };
    w.probe.on = false;
    const draws = performance.getEntriesByName('demo:draw').map((e) => e.duration);
    const wallMs = performance.now() - (w.probe.start ?? 0);
    return { longTasks: w.probe.longTasks, gaps: w.probe.gaps, draws, wallMs, start: 0 };
  });
  const sorted = [...probe.gaps].sort((a, b) => a - b);
  const q = (f: number) => (sorted[Math.floor(f * (sorted.length - 1))] ?? 0).toFixed(0);
  console.log(
    `[demo] ${label}: ${probe.gaps.length} frames, frame gap median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms; ` +
      `${probe.longTasks.length} long tasks, longest ${Math.max(0, ...probe.longTasks).toFixed(0)} ms; ` +
      `${probe.draws.length} chart redraws, longest ${Math.max(0, ...probe.draws).toFixed(0)} ms; ` +
      `long tasks ${probe.longTasks.reduce((a, b) => a + b, 0).toFixed(0)} of ${probe.wallMs.toFixed(0)} ms; load ${(loadavg()[0]! / cpus().length).toFixed(1)} per core`,
  );
  return probe;
}

describe.skipIf(!hasChromium)('demo site in headless Chromium', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let site = '';
  let model: Awaited<ReturnType<typeof tinyModelFiles>>;
  /** Why this chromium offers no WebGPU adapter at all (no Vulkan/SwiftShader), if so. */
  let noWebGpu = '';

  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(artifacts, { recursive: true });
    // Served from a sub-folder (/dist/): only relative URLs work there.
    // A pretrained model for the transfer page's URL loader, served beside the site.
    model = await tinyModelFiles();
    server = await serveStatic(app, { '/models/tiny/': dirname(model.json) });
    site = `${server.url}dist/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: chromiumArgs({ webgpu: true }),
    });
    // Ask chromium itself, on a blank page, whether it has a WebGPU adapter: without one the
    // WebGPU test cannot say anything about the demo (the fallback tests still run).
    const blank = await browser.newPage();
    await blank.goto(`${server.url}dist/favicon-probe-404`).catch(() => undefined);
    noWebGpu = await blank.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (!gpu) return 'navigator.gpu is missing';
      return (await gpu.requestAdapter().catch(() => null)) ? '' : 'requestAdapter() gave null';
    });
    await blank.close();
    if (noWebGpu) console.log(`[demo] chromium has no WebGPU adapter here (${noWebGpu})`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(query: string, ready = true): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 1000 },
      acceptDownloads: true,
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site}?${query}`);
    if (ready) {
      await page.waitForSelector('#backend[data-backend]', { timeout: 60_000 });
      await page.waitForSelector('#dataset-status[data-ready="true"]', { timeout: 60_000 });
    }
    return { page, errors };
  }

  /**
   * Waits for the run's end and for the page to draw what arrived before it (redraws are
   * throttled to one per 250 ms, later on a loaded machine). Fails with the page's error banner
   * (if any) instead of a bare timeout.
   */
  async function waitDone(page: Page, timeout: number): Promise<void> {
    await Promise.race([
      page.waitForSelector('#status[data-state="done"]', { timeout, state: 'attached' }),
      page.waitForSelector('#banner:not([hidden])', { timeout }).then(async () => {
        throw new Error(`error banner: ${await page.textContent('#banner')}`);
      }),
    ]);
    await page.waitForSelector('#status:not([data-draw-pending])', { state: 'attached' });
  }

  it('trains on WebGPU (SwiftShader in a worker) and draws the loss and accuracy', async (ctx) => {
    if (noWebGpu) ctx.skip(`chromium offers no WebGPU adapter on this machine: ${noWebGpu}`);
    // WebGPU through SwiftShader compiles every kernel on first use (tens of seconds on a busy
    // 2-core machine): one step per epoch, two epochs.
    const { page, errors } = await open(
      'backend=auto&architecture=cnn&train-size=16&val-size=16&batch-size=16&epochs=2&every=1',
    );
    expect(await page.getAttribute('#backend', 'data-backend')).toBe('webgpu');
    expect(await page.textContent('#backend')).toMatch(/swiftshader/i);
    expect(await page.locator('#samples canvas').count()).toBe(10);
    await page.screenshot({ path: join(artifacts, 'loaded.png'), fullPage: true });
    await startProbe(page);
    await page.click('#start');
    await waitDone(page, 200_000);
    const probe = await stopProbe(page, 'webgpu run');
    await page.screenshot({ path: join(artifacts, 'trained-webgpu.png'), fullPage: true });
    expectResponsive(probe, { frames: false });
    expect(await page.getAttribute('#chart-loss polyline[data-name="loss"]', 'data-points')).toBe(
      '2',
    );
    expect(await page.getAttribute('#chart-acc', 'data-points')).toBe('4');
    const counts = await page.$$eval('#confusion td', (tds) =>
      tds.map((td) => Number(td.getAttribute('data-count'))),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(16);
    expect(errors).toEqual([]);
    await page.close();
  }, 260_000);

  it('trains on CPU with live monitors, pauses and resumes, stays responsive, saves and reloads', async () => {
    // 160 examples / batch 8 = 20 steps per epoch, 2 epochs.
    const { page, errors } = await open(
      'backend=cpu&architecture=cnn&train-size=160&val-size=32&batch-size=8&epochs=2&every=4',
    );
    expect(await page.getAttribute('#backend', 'data-backend')).toBe('cpu');
    await startProbe(page);
    await page.click('#start');
    await page.waitForFunction(
      () => Number(document.querySelector('#status')?.getAttribute('data-step')) >= 4,
      null,
      { timeout: 60_000 },
    );
    await page.click('#pause');
    await page.waitForSelector('#status[data-state="paused"]', { state: 'attached' });
    // The page redraws at most every 250 ms (later on a loaded machine): let it draw what
    // arrived before the pause before reading the step.
    await page.waitForSelector('#status:not([data-draw-pending])', { state: 'attached' });
    const stepAt = async () => Number(await page.getAttribute('#status', 'data-step'));
    const pausedAt = await stepAt();
    const pointsAt = await page.getAttribute(
      '#chart-loss polyline[data-name="loss"]',
      'data-points',
    );
    await page.waitForTimeout(1500);
    expect(await stepAt()).toBe(pausedAt);
    expect(await page.getAttribute('#chart-loss polyline[data-name="loss"]', 'data-points')).toBe(
      pointsAt,
    );
    await page.click('#resume');
    await waitDone(page, 120_000);
    const probe = await stopProbe(page, 'cpu run');
    await page.screenshot({ path: join(artifacts, 'trained-cpu.png'), fullPage: true });
    expect(await stepAt()).toBe(39);
    expectResponsive(probe);

    // Every monitor drew: a loss per step, train and val accuracy per epoch, ratios per kernel,
    // histograms per layer, the filters, the diagnosis, the confusion matrix.
    expect(await page.getAttribute('#chart-loss polyline[data-name="loss"]', 'data-points')).toBe(
      '40',
    );
    expect(await page.getAttribute('#chart-acc', 'data-points')).toBe('4');
    expect(Number(await page.getAttribute('#chart-ratio', 'data-series'))).toBe(3);
    expect(Number(await page.getAttribute('#chart-ratio', 'data-points'))).toBe(30); // 3 kernels x steps 0,4..36
    expect(await page.locator('#hist-act svg').count()).toBe(6);
    expect(await page.locator('#hist-grad svg').count()).toBe(3);
    expect(await page.locator('#filters img').count()).toBe(1);
    expect(await page.getAttribute('#diagnosis', 'data-count')).not.toBeNull();
    const counts = await page.$$eval('#confusion td', (tds) =>
      tds.map((td) => Number(td.getAttribute('data-count'))),
    );
    expect(counts).toHaveLength(100);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(32);
    const trainedAcc = Number(
      await page.getAttribute('#evaluation [data-source="trained"]', 'data-accuracy'),
    );
    const wrong = Math.round((1 - trainedAcc) * 32);
    expect(await page.locator('#misclassified canvas').count()).toBe(Math.min(16, wrong));

    // Downloads: the model (model.json + weights), the HTML report and the run (JSONL).
    const downloads = mkdtempSync(join(tmpdir(), 'demo-downloads-'));
    const saved: Record<string, string> = {};
    const both = new Promise<void>((resolve) => {
      page.on('download', async (d) => {
        const path = join(downloads, d.suggestedFilename());
        await d.saveAs(path);
        saved[d.suggestedFilename()] = path;
        if (
          saved['model.json'] &&
          saved['model.weights.bin'] &&
          saved['report.html'] &&
          saved['run.jsonl']
        )
          resolve();
      });
    });
    await page.click('#save-model');
    await page.click('#save-report');
    await page.click('#save-run');
    await both;
    const manifest = JSON.parse(readFileSync(saved['model.json']!, 'utf8'));
    expect(manifest.weightsManifest[0].paths).toEqual(['./model.weights.bin']);
    const html = readFileSync(saved['report.html']!, 'utf8');
    expect(html).toContain('uPlot');
    expect(html).toContain('trainkit demo run');

    // Reload the saved model: the same validation accuracy as the trained one.
    await page.setInputFiles('#reload-model', [saved['model.json']!, saved['model.weights.bin']!]);
    await page.waitForSelector('#evaluation [data-source="reloaded"]');
    expect(
      Number(await page.getAttribute('#evaluation [data-source="reloaded"]', 'data-accuracy')),
    ).toBe(trainedAcc);
    // Reload the run: the charts come back from the JSONL records.
    await page.reload();
    await page.waitForSelector('#dataset-status[data-ready="true"]', { timeout: 60_000 });
    await page.setInputFiles('#reload-run', saved['run.jsonl']!);
    await page.waitForSelector('#chart-loss polyline[data-name="loss"][data-points="40"]', {
      state: 'attached',
    });
    expect(errors).toEqual([]);
    expect(await page.isVisible('#banner')).toBe(false);
    await page.close();
  }, 200_000);

  it('trains LeNet-5 and the small ResNet with every regularizer, optimizer and schedule option', async () => {
    const runs = [
      'architecture=lenet5&init=glorotUniform&batch-norm=true&dropout=0.3&l2=0.0005&augment=true&patience=1&optimizer=adam&learning-rate=0.001&schedule=one-cycle',
      'architecture=resnet&init=heNormal&dropout=0.2&optimizer=rmsprop&learning-rate=0.001&schedule=warmup-cosine',
      'architecture=cnn&init=orthogonal&batch-norm=true&optimizer=nesterov&schedule=step',
      // The same run again: the worker must hold exactly as many tensors as after the first.
      'architecture=cnn&init=orthogonal&batch-norm=true&optimizer=nesterov&schedule=step',
    ];
    const tensors: number[] = [];
    const { page, errors } = await open(
      'backend=wasm&train-size=8&val-size=8&batch-size=8&epochs=2&every=5',
    );
    expect(await page.getAttribute('#backend', 'data-backend')).toBe('wasm');
    for (const settings of runs) {
      const t0 = Date.now();
      await page.evaluate((query) => {
        for (const id of ['batch-norm', 'augment'])
          (document.getElementById(id) as HTMLInputElement).checked = false;
        for (const [k, v] of new URLSearchParams(query)) {
          const el = document.getElementById(k) as HTMLInputElement;
          if (el.type === 'checkbox') el.checked = v === 'true';
          else el.value = v;
        }
      }, `dropout=0&l2=0&patience=0&${settings}`);
      // Clear the previous run's "done" so waitDone sees this run's end, however fast it is (a
      // two-step run can finish before a poll for "training" would see it).
      await page.evaluate(() => {
        (document.getElementById('status') as HTMLElement).dataset.state = 'starting';
      });
      await page.click('#start');
      await waitDone(page, 120_000);
      console.log(
        `[demo] ${settings.split('&')[0]} on wasm: ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      // One step per epoch, two epochs (early stopping with patience 1 cannot end it sooner).
      expect(await page.getAttribute('#chart-loss polyline[data-name="loss"]', 'data-points')).toBe(
        '2',
      );
      const summary = (await page.textContent('#model-summary')) ?? '';
      if (settings.includes('batch-norm=true')) expect(summary).toMatch(/_bn/);
      if (settings.includes('dropout=')) expect(summary).toMatch(/dropout/);
      tensors.push(Number(await page.getAttribute('#status', 'data-tensors')));
    }
    // No tensor leaked by a whole run (model, optimizer state, monitors, evaluation).
    expect(tensors[3]).toBeGreaterThan(0);
    expect(tensors[3]).toBe(tensors[2]);
    expect(errors).toEqual([]);
    expect(await page.isVisible('#banner')).toBe(false);
    await page.close();
  }, 240_000);

  it('stops a run on request, between steps', async () => {
    const { page } = await open(
      'backend=cpu&train-size=2000&batch-size=8&epochs=5&every=50&val-size=16',
    );
    await page.click('#start');
    await page.waitForFunction(
      () => Number(document.querySelector('#status')?.getAttribute('data-step')) >= 2,
      null,
      { timeout: 60_000 },
    );
    await page.click('#stop');
    await waitDone(page, 60_000);
    // The step that had ended when the worker got the request (however late the click came),
    // from its 'stopping' message ('done' carries no step).
    const requestedAt = Number(await page.getAttribute('#status', 'data-state-step'));
    expect(requestedAt).toBeGreaterThanOrEqual(2);
    expect(await page.textContent('#status')).toMatch(/stopped by the user/);
    await page.waitForFunction(
      (at) => Number(document.querySelector('#status')?.getAttribute('data-step')) >= at,
      requestedAt,
    );
    // It stops at the end of the step it is in: 1,250 steps were asked for.
    const last = Number(await page.getAttribute('#status', 'data-step'));
    expect(last).toBeGreaterThanOrEqual(requestedAt);
    expect(last).toBeLessThanOrEqual(requestedAt + 1);
    expect(last).toBeLessThan(1249);
    await page.close();
  }, 120_000);

  it('loads a folder of images, one subfolder per class', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-folder-'));
    const { encodePng } = await import('@trainkit/monitors');
    for (const [c, shade] of [
      ['dark', 30],
      ['light', 220],
    ] as const) {
      mkdirSync(join(dir, 'shapes', c), { recursive: true });
      for (let k = 0; k < 3; k++) {
        const data = new Uint8Array(10 * 10 * 4).map((_, i) => (i % 4 === 3 ? 255 : shade + k));
        writeFileSync(
          join(dir, 'shapes', c, `${k}.png`),
          encodePng({ width: 10, height: 10, data }),
        );
      }
    }
    writeFileSync(join(dir, 'shapes', 'notes.txt'), 'not an image');
    const { page, errors } = await open('backend=cpu');
    await page.setInputFiles('#image-folder', join(dir, 'shapes'));
    await page.waitForFunction(
      () =>
        /folder \(6 images\)/.test(document.querySelector('#dataset-status')?.textContent ?? '') &&
        document.querySelector('#dataset-status')?.getAttribute('data-ready') === 'true',
    );
    expect(await page.textContent('#dataset-status')).toMatch(/2 classes/);
    expect(await page.$$eval('#samples figcaption', (c) => c.map((e) => e.textContent))).toEqual([
      'dark',
      'light',
    ]);
    // The first dark image, scaled to 28x28 grey: every pixel 30.
    const pixel = await page.$eval(
      '#samples canvas',
      (c) => (c as HTMLCanvasElement).getContext('2d')!.getImageData(14, 14, 1, 1).data[0],
    );
    expect(pixel).toBe(30);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('falls back to WebGL (or below) when WebGPU is off, and says why', async () => {
    const plain = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: chromiumArgs(),
    });
    try {
      const page = await plain.newPage();
      await page.goto(site);
      await page.waitForSelector('#backend[data-backend]', { timeout: 60_000 });
      const backend = await page.getAttribute('#backend', 'data-backend');
      const text = (await page.textContent('#backend')) ?? '';
      console.log(`[demo] without --enable-unsafe-webgpu: ${text}`);
      expect(backend).not.toBe('webgpu');
      expect(['webgl', 'wasm', 'cpu']).toContain(backend);
      expect(text).toMatch(/not used: webgpu: /);
    } finally {
      await plain.close();
    }
  }, 60_000);

  it('transfer: loads a tiny model, lists its layers and the advice, trains a new head', async () => {
    const files = await tinyModelFiles();
    const { page, errors } = await open(
      'backend=cpu&transfer-epochs=1&transfer-train-size=64&transfer-batch-size=16&val-size=32',
    );
    await page.click('#tab-transfer');
    await page.setInputFiles('#transfer-files', [files.json, files.weights]);
    await page.waitForSelector('#transfer-layers tr[data-layer]', { state: 'attached' });
    expect(await page.locator('#transfer-layers tr[data-layer]').count()).toBe(files.layers);
    expect(await page.getAttribute('#transfer-plan', 'data-case')).toBe('small-similar');
    expect(await page.inputValue('#cut-layer')).toBe('features');
    await page.selectOption('#freeze-up-to', 'conv');
    await page.click('#transfer-train');
    await waitDone(page, 120_000);
    await page.screenshot({ path: join(artifacts, 'transfer.png'), fullPage: true });
    expect(await page.getAttribute('#chart-loss polyline[data-name="loss"]', 'data-points')).toBe(
      '4',
    );
    expect(await page.textContent('#model-summary')).toMatch(/head_/);
    const counts = await page.$$eval('#confusion td', (tds) =>
      tds.map((td) => Number(td.getAttribute('data-count'))),
    );
    expect(counts).toHaveLength(100); // the new head has the dataset's 10 classes, not the old 5
    expect(await page.locator('#evaluation [data-source="transfer"]').count()).toBe(1);
    // The same model from a URL (relative to the page here; any http(s) URL works).
    await page.evaluate(() => {
      document.querySelector('#transfer-layers')!.innerHTML = '';
    });
    await page.fill('#transfer-url', '../models/tiny/model.json');
    await page.click('#transfer-load-url');
    await page.waitForSelector('#transfer-layers tr[data-layer]', { state: 'attached' });
    expect(await page.locator('#transfer-layers tr[data-layer]').count()).toBe(files.layers);
    expect(errors).toEqual([]);
    await page.close();
  }, 150_000);

  it('shows a visible message for a malformed model file and a dataset of the wrong shape', async () => {
    const { page } = await open('backend=cpu');
    await page.click('#tab-transfer');
    await page.setInputFiles('#transfer-files', [
      {
        name: 'model.json',
        mimeType: 'application/json',
        buffer: Buffer.from('{"modelTopology": '),
      },
      { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(8) },
    ]);
    await page.waitForSelector('#banner:not([hidden])');
    expect(await page.textContent('#banner')).toMatch(/model\.json is not valid JSON/);
    await page.click('#banner-close');
    // Valid JSON whose weights do not match.
    const files = model;
    await page.setInputFiles('#reload-model', [
      { name: 'model.json', mimeType: 'application/json', buffer: readFileSync(files.json) },
      { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(12) },
    ]);
    await page.waitForSelector('#banner:not([hidden])');
    expect(await page.textContent('#banner')).toMatch(/weight files do not match/);
    await page.click('#banner-close');
    // 8x8 images: the demo's models take 28x28.
    await page.setInputFiles('#idx-files', [
      {
        name: 'train-images-idx3-ubyte',
        mimeType: 'application/octet-stream',
        buffer: idxBytes([10, 8, 8], (i) => i),
      },
      {
        name: 'train-labels-idx1-ubyte',
        mimeType: 'application/octet-stream',
        buffer: idxBytes([10], (i) => i % 2),
      },
    ]);
    await page.waitForSelector('#banner:not([hidden])');
    expect(await page.textContent('#banner')).toMatch(/wrong shape.*\[10, 8, 8\]/s);
    await page.screenshot({ path: join(artifacts, 'bad-dataset.png'), fullPage: true });
    // The page still works: the embedded dataset is still the one loaded.
    expect(await page.textContent('#dataset-status')).toMatch(/embedded/);
    // And well-formed IDX files (28x28, gzip or not) replace it.
    const { gzipSync } = await import('node:zlib');
    await page.setInputFiles('#idx-files', [
      {
        name: 'train-images-idx3-ubyte.gz',
        mimeType: 'application/gzip',
        buffer: gzipSync(idxBytes([40, 28, 28], (i) => i % 251)),
      },
      {
        name: 'train-labels-idx1-ubyte',
        mimeType: 'application/octet-stream',
        buffer: idxBytes([40], (i) => i % 4),
      },
    ]);
    await page.waitForFunction(
      () =>
        /IDX: train-images/.test(document.querySelector('#dataset-status')?.textContent ?? '') &&
        document.querySelector('#dataset-status')?.getAttribute('data-ready') === 'true',
    );
    // No test pair: 15% held out for validation.
    expect(await page.textContent('#dataset-status')).toMatch(
      /34 training, 6 validation images, 4 classes/,
    );
    expect(await page.locator('#samples canvas').count()).toBe(4);
    await page.close();
  }, 120_000);

  it('says so when the browser lacks Web Workers or WebAssembly', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      // biome-ignore lint/suspicious/noExplicitAny: simulating an old browser
      delete (window as any).Worker;
    });
    await page.goto(site);
    await page.waitForSelector('#banner:not([hidden])');
    expect(await page.textContent('#banner')).toMatch(/unsupported browser.*Web Workers/);
    expect(await page.isVisible('#page-train')).toBe(true);
    await page.screenshot({ path: join(artifacts, 'unsupported.png'), fullPage: true });
    await page.close();
  }, 60_000);
});

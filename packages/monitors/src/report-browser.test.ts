import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs, chromiumPath } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { writeHtmlReport } from './node';
import { type MonitorRecord, RunLog } from './records';

const chromium = chromiumPath() ?? '/usr/bin/chromium';
const hasChromium = chromiumPath() !== undefined;
if (!hasChromium)
  console.warn(
    `[monitors] ${chromium} is absent: the HTML report browser test is skipped (apt-get install chromium)`,
  );

function run(): RunLog {
  const r: MonitorRecord[] = [
    {
      type: 'begin',
      time: 0,
      epochs: 3,
      initialStep: 0,
      params: [{ name: 'c/kernel', shape: [3, 3, 1, 4] }],
    },
  ];
  for (let t = 0; t < 120; t++)
    r.push({
      type: 'step',
      step: t,
      epoch: Math.floor(t / 40),
      loss: 2 * Math.exp(-t / 30) + 0.2,
      learningRate: 0.01,
      gradNorm: 1,
    });
  for (let t = 0; t < 120; t += 20)
    r.push({
      type: 'layer',
      step: t,
      name: 'c/kernel',
      depth: 0,
      weightNorm: 1,
      updateRatio: 1e-3 * (1 + t / 100),
      gradNorm: 0.5,
    });
  for (let e = 0; e < 3; e++)
    r.push({
      type: 'epoch',
      epoch: e,
      step: 40 * e + 39,
      logs: { acc: 0.6 + 0.1 * e, val_acc: 0.58 + 0.1 * e },
    });
  r.push({
    type: 'activation',
    step: 100,
    layer: 'relu',
    depth: 0,
    summary: {
      mean: 0.3,
      std: 0.4,
      min: 0,
      max: 2,
      zeroFraction: 0.5,
      histogram: { edges: [0, 0.5, 1, 1.5, 2], counts: [50, 20, 10, 5] },
    },
  });
  r.push({ type: 'end', time: 1, epoch: 2, step: 119, logs: { acc: 0.8 } });
  return new RunLog(r);
}

describe('HTML report in headless Chromium', () => {
  it.skipIf(!hasChromium)(
    'opens from file:// with no network and draws non-empty charts',
    async () => {
      const { chromium: pw } = await import('playwright-core');
      const dir = mkdtempSync(join(tmpdir(), 'tk-html-'));
      const path = writeHtmlReport(run(), join(dir, 'report.html'), 'browser check');
      const browser = await pw.launch({
        executablePath: chromium,
        headless: true,
        args: chromiumArgs(),
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
        const requests: string[] = [];
        page.on('request', (req) => {
          if (!req.url().startsWith('file:') && !req.url().startsWith('data:'))
            requests.push(req.url());
        });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`file://${path}`);
        await page.waitForSelector('.chart canvas');
        // Each chart canvas must hold drawn (non-transparent) pixels.
        const inked = await page.$$eval('.chart canvas', (canvases) =>
          canvases.map((c) => {
            const ctx = (c as HTMLCanvasElement).getContext('2d')!;
            const d = ctx.getImageData(
              0,
              0,
              (c as HTMLCanvasElement).width,
              (c as HTMLCanvasElement).height,
            ).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
            return n;
          }),
        );
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
        expect(inked.length).toBeGreaterThanOrEqual(5); // loss, metrics, ratio, |g|, lr, histogram
        for (const n of inked) expect(n).toBeGreaterThan(200);
        expect(await page.textContent('#diagnosis')).toMatch(/nothing unusual|\[/);
        const shot = await page.screenshot({ fullPage: true });
        writeFileSync(join(dir, 'report.png'), shot);
        console.log(`[monitors] report screenshot: ${join(dir, 'report.png')}`);
      } finally {
        await browser.close();
      }
    },
  );
});

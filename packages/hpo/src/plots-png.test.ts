import { inflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { float } from './distributions';
import {
  importancePng,
  optimizationHistoryPng,
  PNG_COLOURS,
  parallelCoordinatesPng,
  slicePngs,
} from './plots-png';
import { randomSampler } from './random-sampler';
import { createStudy } from './study';
import type { FrozenTrial } from './trial';

// An independent decoder: chunk CRCs checked with node:zlib's crc32, IDAT inflated by node:zlib.
function decodePng(png: Uint8Array) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  const idat: Uint8Array[] = [];
  let ihdr: Uint8Array | undefined;
  for (let o = 8; o < png.length; ) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const body = png.subarray(o + 8, o + 8 + len);
    expect(view.getUint32(o + 8 + len)).toBe(zlibCrc32(png.subarray(o + 4, o + 8 + len)));
    types.push(type);
    if (type === 'IHDR') ihdr = body;
    if (type === 'IDAT') idat.push(body);
    o += 12 + len;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const h = new DataView(ihdr!.buffer, ihdr!.byteOffset, 13);
  const width = h.getUint32(0);
  const height = h.getUint32(4);
  expect([ihdr![8], ihdr![9], ihdr![10], ihdr![11], ihdr![12]]).toEqual([8, 2, 0, 0, 0]);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3 + 1;
  expect(raw.length).toBe(stride * height);
  for (let y = 0; y < height; y++) expect(raw[y * stride]).toBe(0); // filter None
  const px = (x: number, y: number) => {
    const p = Math.round(y) * stride + 1 + Math.round(x) * 3;
    return [raw[p], raw[p + 1], raw[p + 2]];
  };
  return { width, height, px, rawBytes: raw.length };
}

const WHITE = [255, 255, 255];
const trial = (
  number: number,
  value: number,
  params: Record<string, number> = {},
): FrozenTrial => ({
  number,
  state: 'complete',
  params,
  distributions: Object.fromEntries(
    Object.keys(params).map((k) => [
      k,
      k === 'lr' ? float(1e-3, 1e-1, { log: true }) : float(0, 1),
    ]),
  ),
  values: [value],
  intermediate: {},
  userAttrs: {},
  startedAt: 0,
});

// The encoder's own tests (CRC, zlib streams, round trips) moved with it to @trainkit/plot.

describe('study plots as PNG', () => {
  // 560 x 320 plot area: x in [56, 544], y in [28, 284]; marks at x in [62, 538].
  it('history: a dot per trial where its value maps, and the best-so-far line', () => {
    const trials = [trial(0, 1), trial(1, 3), trial(2, 0), trial(3, 2)];
    const png = optimizationHistoryPng(trials);
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([560, 320]);
    const x = (n: number) => 62 + (n * 476) / 3;
    const y = (v: number) => 284 - (v * 256) / 3;
    expect(img.px(x(1), y(3))).toEqual([...PNG_COLOURS.trial]); // value 3 at the top
    expect(img.px(x(3), y(2))).toEqual([...PNG_COLOURS.trial]);
    // best so far: 1, 1, 0, 0 — red from trial 0 to 1 at y(1), and along the bottom from 2 to 3
    expect(img.px((x(0) + x(1)) / 2, y(1))).toEqual([...PNG_COLOURS.best]);
    expect(img.px((x(2) + x(3)) / 2, y(0))).toEqual([...PNG_COLOURS.best]);
    expect(img.px(300, 60)).toEqual(WHITE);
    expect(png.length).toBeLessThan(img.rawBytes / 10); // flat plots compress well
  });

  it('parallel coordinates: the best trial dark, the worst yellow, at their objective', () => {
    const trials = [trial(0, 5, { a: 0, b: 1 }), trial(1, 1, { a: 1, b: 0 })];
    const img = decodePng(parallelCoordinatesPng(trials));
    const ax = (j: number) => 66 + (j * (534 - 66)) / 2;
    expect(img.px(ax(2), 284)).toEqual([68, 1, 84]); // best (1) at the bottom of the objective axis
    expect(img.px(ax(2), 28)).toEqual([253, 231, 37]); // worst (5) at the top
    expect(img.px(ax(0), 150)).toEqual([...PNG_COLOURS.axis]);
    expect(img.px((ax(0) + ax(1)) / 2, 70)).toEqual(WHITE);
    // the trial lines cross in the middle between axes a and b
    expect(img.px((ax(0) + ax(1)) / 2, (28 + 284) / 2)).not.toEqual(WHITE);
  });

  it('slice: one PNG per parameter, log parameters on a log axis', () => {
    const trials = [
      trial(0, 0, { lr: 1e-3 }),
      trial(1, 1, { lr: 1e-2 }),
      trial(2, 2, { lr: 1e-1 }),
    ];
    const pngs = slicePngs(trials);
    expect(Object.keys(pngs)).toEqual(['lr']);
    const img = decodePng(pngs.lr!);
    // log10 lr = -3, -2, -1 -> x = 62, 300, 538; values 0, 1, 2 -> y = 284, 156, 28
    expect(img.px(62, 284)).toEqual([...PNG_COLOURS.slice]);
    expect(img.px(300, 156)).toEqual([...PNG_COLOURS.slice]);
    expect(img.px(538, 28)).toEqual([...PNG_COLOURS.slice]);
    expect(img.px(181, 100)).toEqual(WHITE);
  });

  it('importance: bars as long as each parameter’s share', async () => {
    const study = await createStudy({ sampler: randomSampler(), seed: 4 });
    await study.optimize(
      async (t) => 10 * (await t.suggestFloat('a', 0, 1)) + 0.1 * (await t.suggestFloat('b', 0, 1)),
      { nTrials: 40 },
    );
    const img = decodePng(importancePng(study.trials));
    // two rows in [28, 284]: centres 92 and 220; bars from x = 156, full length 338
    expect(img.px(156 + 0.4 * 338, 92)).toEqual([...PNG_COLOURS.bar]); // a: > 90%
    expect(img.px(156 + 0.4 * 338, 220)).toEqual(WHITE); // b: ~0%
    // too few trials: still a valid image, with a message instead of bars
    expect(decodePng(importancePng([])).width).toBe(560);
    expect(decodePng(optimizationHistoryPng([])).height).toBe(320);
  });
});

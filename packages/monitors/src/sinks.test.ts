import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { consoleSink } from './console-sink';
import { filterGrid, filterRoughness } from './filters';
import { htmlReport } from './html-report';
import { formatJsonl, parseJsonl } from './jsonl';
import { jsonlSink, readJsonl, tensorboardFileSink, writeHtmlReport, writeLossPng } from './node';
import { linePlot } from './plot-png';
import { type MonitorRecord, RunLog } from './records';
import { decodeEvent, readTfRecords } from './tensorboard';

const records: MonitorRecord[] = [
  {
    type: 'begin',
    time: 1,
    epochs: 1,
    initialStep: 0,
    params: [{ name: 'd/kernel', shape: [2, 2] }],
  },
  ...Array.from({ length: 30 }, (_, t) => ({
    type: 'step' as const,
    step: t,
    epoch: 0,
    loss: 2 / (t + 1),
    learningRate: 0.1,
  })),
  {
    type: 'layer',
    step: 20,
    name: 'd/kernel',
    depth: 0,
    weightNorm: 1,
    updateRatio: 1e-3,
    grad: {
      mean: 0,
      std: 1,
      min: -1,
      max: 1,
      zeroFraction: 0,
      histogram: { edges: [-1, 0, 1], counts: [2, 2] },
    },
  },
  { type: 'epoch', epoch: 0, step: 29, logs: { loss: 0.3, acc: 0.9, val_acc: 0.88 } },
  { type: 'end', time: 2, epoch: 0, step: 29, logs: { acc: 0.9 } },
];

describe('JSONL', () => {
  it('round-trips records, non-finite numbers included, and skips a torn last line', () => {
    const withNaN: MonitorRecord[] = [
      ...records,
      { type: 'step', step: 30, epoch: 0, loss: Number.NaN },
    ];
    const text = formatJsonl(withNaN);
    expect(text.split('\n').length).toBe(withNaN.length + 1);
    const back = parseJsonl(`${text}{"type":"st`);
    expect(back.records.length).toBe(withNaN.length);
    expect(back.steps.at(-1)!.loss).toBeNaN();
    expect(back.epochSeries('val_acc')).toEqual([{ epoch: 0, value: 0.88 }]);
  });

  it('names the bad line of a corrupt file (IO error)', () => {
    try {
      parseJsonl(
        '{"type":"step","step":0,"epoch":0,"loss":1}\nnot json\n{"type":"end"}',
        'run.jsonl',
      );
      expect.unreachable();
    } catch (e) {
      expect(isTrainkitError(e, 'IO')).toBe(true);
      expect((e as Error).message).toMatch(/run.jsonl: line 2 is not JSON/);
    }
    expect(() => parseJsonl('{"type":"weird"}\n')).toThrow(/line 1 is not a monitor record/);
  });

  it('the file sink appends and reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-mon-'));
    const sink = jsonlSink(join(dir, 'sub', 'run.jsonl'));
    for (const r of records) await sink.write(r);
    await sink.close?.();
    expect(readJsonl(join(dir, 'sub', 'run.jsonl')).records).toEqual(records);
    expect(() => readJsonl(join(dir, 'missing.jsonl'))).toThrow(/cannot read the run file/);
  });
});

describe('console sink', () => {
  it('prints step lines at its interval, epoch lines and the diagnosis at the end', async () => {
    const lines: string[] = [];
    const sink = consoleSink({ every: 10, log: (l) => lines.push(l) });
    for (const r of records) await sink.write(r);
    expect(lines.filter((l) => l.startsWith('step '))).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^step 0 \| epoch 1 \| loss 2\.0000 \(smoothed 2\.0000\) \| lr 0\.10000$/,
    );
    expect(
      lines.some((l) => l.startsWith('epoch 1: loss 0.3000, acc 0.9000, val_acc 0.8800')),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^diagnosis/);
  });
});

describe('jsonl sink after a crash', () => {
  it('cuts a torn last line before appending, so the file stays readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-torn-'));
    const path = join(dir, 'metrics.jsonl');
    const first = jsonlSink(path);
    for (const r of records.slice(0, 5)) first.write(r);
    first.close?.();
    appendFileSync(path, '{"type":"step","st'); // killed mid-line (or a full disk)
    const second = jsonlSink(path);
    for (const r of records.slice(5, 8)) second.write(r);
    second.close?.();
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(formatJsonl(records.slice(0, 8)));
    expect(readJsonl(path).records).toHaveLength(8);
  });
});

describe('reports', () => {
  it('writes a self-contained HTML report with the charts library inlined and the findings', () => {
    const run = new RunLog(records);
    const html = htmlReport(run, { uplot: { js: '/*uplot*/', css: '.u{}' }, title: 'a <run>' });
    expect(html).toContain('<title>a &#60;run&#62;</title>');
    expect(html).toContain('/*uplot*/');
    expect(html).not.toMatch(/<script src=|<link [^>]*href="http/);
    const dir = mkdtempSync(join(tmpdir(), 'tk-rep-'));
    const path = writeHtmlReport(run, join(dir, 'report.html'));
    const full = readFileSync(path, 'utf8');
    expect(full.length).toBeGreaterThan(40_000); // uPlot itself is inlined
    expect(full).toContain('update / weight ratio');
  });

  it('a crafted layer name cannot end the report script or open a comment in it', () => {
    const evil = '</script><script>alert(1)</script><!--';
    const run = new RunLog([
      ...records,
      { type: 'layer', step: 0, name: evil, depth: 0, weightNorm: 1, updateRatio: 0.001 },
    ] as MonitorRecord[]);
    const html = htmlReport(run, { uplot: { js: '', css: '' } });
    const script = html.slice(html.indexOf('const D = '));
    // one closing tag only: the template's own
    expect(script.match(/<\/script/gi)).toHaveLength(1);
    expect(script).not.toContain('<!--');
    // and the data reads back to the same name
    const json = script.slice('const D = '.length, script.indexOf(';\n'));
    expect(JSON.parse(json).layerNames).toContain(evil);
  });

  it('rasterises line plots and writes the loss curve PNG', () => {
    const img = linePlot(
      [
        {
          name: 'a',
          points: [
            [0, 0],
            [1, 1],
          ],
          color: [255, 0, 0],
        },
      ],
      { width: 50, height: 40 },
    );
    // The line goes from the bottom-left plot corner (20, 20 from the bottom) to the top-right.
    const px = (x: number, y: number) =>
      Array.from(img.data.subarray((y * 50 + x) * 4, (y * 50 + x) * 4 + 3));
    expect(px(20, 20)).toEqual([255, 0, 0]);
    expect(px(30, 20)).toEqual([255, 0, 0]);
    expect(px(0, 0)).toEqual([255, 255, 255]);
    const dir = mkdtempSync(join(tmpdir(), 'tk-png-'));
    const bytes = readFileSync(writeLossPng(new RunLog(records), join(dir, 'loss.png')));
    expect(Array.from(bytes.subarray(1, 4))).toEqual([80, 78, 71]);
  });

  it('writes TensorBoard event files that read back with valid CRCs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-tb-'));
    const sink = tensorboardFileSink(dir);
    for (const r of records) await sink.write(r);
    const file = readdirSync(dir).find((f) => f.startsWith('events.out.tfevents.'))!;
    const events = readTfRecords(new Uint8Array(readFileSync(join(dir, file)))).map(decodeEvent);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    expect(events.filter((e) => 'train/loss' in e.scalars)).toHaveLength(30);
    expect(
      events.find((e) => 'grads/d/kernel' in e.histograms)!.histograms['grads/d/kernel']!.buckets,
    ).toEqual([2, 2]);
    expect(events.find((e) => 'epoch/val_acc' in e.scalars)!.scalars['epoch/val_acc']).toBeCloseTo(
      0.88,
      6,
    );
  });
});

describe('filters', () => {
  it('tiles each filter min-max scaled to 0..255 with 1-pixel borders', async () => {
    // Two 2x2 grey filters: [[0, 1], [2, 3]] and its negative.
    const k = tf.tensor4d([0, 0, 1, -1, 2, -2, 3, -3], [2, 2, 1, 2]);
    const img = await expectNoLeaks(() => filterGrid(k, { scale: 1 }));
    expect([img.width, img.height]).toEqual([2 * 3 + 1, 1 * 3 + 1]);
    const grey = (x: number, y: number) => img.data[(y * img.width + x) * 4]!;
    expect([grey(1, 1), grey(2, 1), grey(1, 2), grey(2, 2)]).toEqual([0, 85, 170, 255]);
    expect([grey(4, 1), grey(5, 2)]).toEqual([255, 0]);
    expect(grey(0, 0)).toBe(255); // border
    k.dispose();
  });

  it('measures roughness: about 2 for white noise, small for smooth filters', async () => {
    const noise = tf.randomNormal([7, 7, 3, 16], 0, 1, 'float32', 1);
    const r = await filterRoughness(noise);
    expect(r).toBeGreaterThan(1.8);
    expect(r).toBeLessThan(2.2);
    const ramp = tf.tidy(() =>
      tf.reshape(tf.tile(tf.linspace(0, 1, 7), [7 * 3 * 16]), [7, 3, 16, 7]),
    );
    const smooth = tf.tidy(() => tf.transpose(ramp, [0, 3, 1, 2]));
    expect(await filterRoughness(smooth)).toBeLessThan(0.5);
    tf.dispose([noise, ramp, smooth]);
    const flat = tf.zeros([2, 2]);
    await expect(filterGrid(flat)).rejects.toThrow(/kernel: wrong rank/);
    flat.dispose();
  });
});

// Node-only helpers: files for the JSONL, TensorBoard and HTML sinks.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { IOError } from '@trainkit/core';
import { htmlReport } from './html-report';
import { formatJsonl, parseJsonl } from './jsonl';
import { lossCurvePng } from './plot-png';
import type { MonitorRecord, RunLog } from './records';
import type { Sink } from './sink';
import { tensorboardSink } from './tensorboard-sink';

/** Node's zlib deflate, for compressed PNGs. */
export const nodeDeflate = (b: Uint8Array): Uint8Array => new Uint8Array(deflateSync(b));

/** Appends one JSON line per record to `path` (created with its folder), buffered per 64 records. */
export function jsonlSink(path: string): Sink {
  mkdirSync(dirname(path), { recursive: true });
  let buffer: MonitorRecord[] = [];
  const flush = () => {
    if (buffer.length) appendFileSync(path, formatJsonl(buffer));
    buffer = [];
  };
  return {
    write(r) {
      buffer.push(r);
      if (buffer.length >= 64 || r.type === 'epoch' || r.type === 'end') flush();
    },
    close: flush,
  };
}

/** Reads a JSONL run file back. */
export function readJsonl(path: string): RunLog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new IOError('cannot read the run file', { argument: path, cause });
  }
  return parseJsonl(text, path);
}

/** Writes TensorBoard event files into `logdir` (`events.out.tfevents.<time>.<host>`). */
export function tensorboardFileSink(logdir: string): Sink {
  mkdirSync(logdir, { recursive: true });
  const file = join(logdir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${hostname()}`);
  writeFileSync(file, new Uint8Array(0));
  return tensorboardSink((bytes) => appendFileSync(file, bytes));
}

function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const js = require.resolve('uplot/dist/uPlot.iife.min.js');
  return {
    js: readFileSync(js, 'utf8'),
    css: readFileSync(join(dirname(js), 'uPlot.min.css'), 'utf8'),
  };
}

/** Writes the self-contained HTML report of a run. Returns the path. */
export function writeHtmlReport(run: RunLog, path: string, title?: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, htmlReport(run, { uplot: uplotAssets(), ...(title ? { title } : {}) }));
  return path;
}

/** Writes the loss curve as a PNG. Returns the path. */
export function writeLossPng(run: RunLog, path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lossCurvePng(run, nodeDeflate));
  return path;
}

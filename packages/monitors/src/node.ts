// Node-only helpers: files for the JSONL, TensorBoard and HTML sinks.
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { IOError } from '@trainkit/core';
import { appendLines, fileError, writeFileAtomic } from '@trainkit/core/node';
import { htmlReport } from './html-report';
import { formatJsonl, parseJsonl } from './jsonl';
import { lossCurvePng } from './plot-png';
import type { MonitorRecord, RunLog } from './records';
import type { Sink } from './sink';
import { tensorboardSink } from './tensorboard-sink';

/** Node's zlib deflate, for compressed PNGs. */
export const nodeDeflate = (b: Uint8Array): Uint8Array => new Uint8Array(deflateSync(b));

/**
 * Appends one JSON line per record to `path` (created with its folder), buffered per 64 records
 * and fsynced per flush. A torn last line (a crash or a full disk in an earlier append) is cut
 * before appending, so the file stays one record per line; a failed append is an IOError naming
 * the file.
 */
export function jsonlSink(path: string): Sink {
  mkdirSync(dirname(path), { recursive: true });
  let buffer: MonitorRecord[] = [];
  const flush = () => {
    const text = formatJsonl(buffer);
    buffer = [];
    if (text) appendLines(path, text);
  };
  return {
    write(r) {
      buffer.push(r);
      if (buffer.length >= 64 || r.type === 'epoch' || r.type === 'end') flush();
    },
    flush,
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
  // A new event file per writer, created exclusively (two writers never share one).
  const base = join(logdir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${hostname()}`);
  let file = base;
  for (let n = 1; ; n++) {
    try {
      closeSync(openSync(file, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) {
        throw fileError('cannot create', file, e);
      }
      file = `${base}.${n}`;
    }
  }
  return tensorboardSink((bytes) => {
    try {
      appendFileSync(file, bytes);
    } catch (e) {
      throw fileError('cannot append to', file, e);
    }
  });
}

function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const js = require.resolve('uplot/dist/uPlot.iife.min.js');
  return {
    js: readFileSync(js, 'utf8'),
    css: readFileSync(join(dirname(js), 'uPlot.min.css'), 'utf8'),
  };
}

/** Writes the self-contained HTML report of a run (atomically). Returns the path. */
export function writeHtmlReport(run: RunLog, path: string, title?: string): string {
  writeFileAtomic(path, htmlReport(run, { uplot: uplotAssets(), ...(title ? { title } : {}) }));
  return path;
}

/** Writes the loss curve as a PNG (atomically). Returns the path. */
export function writeLossPng(run: RunLog, path: string): string {
  writeFileAtomic(path, lossCurvePng(run, nodeDeflate));
  return path;
}

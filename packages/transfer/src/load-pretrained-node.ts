import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { assertNumber, ConfigError, IOError } from '@trainkit/core';
import { loadModelFromPath } from './file-handler-node';
import {
  findPretrained,
  type PretrainedFile,
  type PretrainedInfo,
  pretrainedModels,
} from './pretrained-registry';

/** Progress of a download, reported after each chunk. */
export interface DownloadProgress {
  /** The file being downloaded (`model.json`, `group3-shard1of1`). */
  file: string;
  /** Bytes of all files received so far, and the total when the server said (else 0). */
  loaded: number;
  total: number;
  /** Files finished, of how many (known once `model.json` is in). */
  filesDone: number;
  files: number;
}

/** Options of {@link loadPretrained}. */
export interface LoadPretrainedOptions {
  /** Cache root (default `$TRAINKIT_CACHE`, else `~/.cache/trainkit`); models go in `<cacheDir>/models/<name>/`. */
  cacheDir?: string;
  /** Base URL (ending in `/`) holding the model's files, instead of the registry's: a mirror. */
  mirror?: string;
  /** Never download: load from the cache or fail with the manual-placement instructions. */
  offline?: boolean;
  /** Called during downloads (also when `progress` draws a bar). */
  onProgress?: (p: DownloadProgress) => void;
  /** Draw a progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
  /** Per-request time limit in milliseconds (default 120,000). */
  timeoutMs?: number;
}

/** What {@link loadPretrained} returns: the model (caller disposes it) and what is known of it. */
export interface PretrainedModel {
  model: LayersModel;
  /** The registry entry (`undefined` for a plain URL). */
  info: PretrainedInfo | undefined;
  /** The cache folder the model was loaded from. */
  dir: string;
  /** `true` when nothing was downloaded. */
  fromCache: boolean;
}

/** The default cache root: `$TRAINKIT_CACHE`, else `~/.cache/trainkit`. */
export function defaultCacheDir(): string {
  return process.env.TRAINKIT_CACHE ?? join(homedir(), '.cache', 'trainkit');
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const mb = (n: number) => (n / 1e6).toFixed(1);

/**
 * Loads a pretrained tfjs-layers network by registry name (`'darknet-tiny'`, see
 * {@link pretrainedModels}) or by the URL of its `model.json`: from the cache when the files are
 * there and their SHA-256 match, else downloaded (with a progress bar), verified file by file
 * against the registry's SHA-256 and moved into the cache in one rename (a crash leaves no
 * half-written model). Offline, it works from the cache; when nothing is cached and the network
 * is unreachable, the `IOError` says which files to put where by hand.
 *
 * @example
 * const { model, info } = await loadPretrained('darknet-tiny'); // ~/.cache/trainkit/models/darknet-tiny
 * info.inputSize; // [224, 224, 3]; info.normalization: 'unit'
 */
export async function loadPretrained(
  nameOrUrl: string,
  options: LoadPretrainedOptions = {},
): Promise<PretrainedModel> {
  if (typeof nameOrUrl !== 'string' || nameOrUrl.length === 0) {
    throw new ConfigError('a registry name or a model.json URL is needed', {
      argument: 'nameOrUrl',
      received: nameOrUrl,
    });
  }
  const timeoutMs = assertNumber('timeoutMs', options.timeoutMs ?? 120_000, { min: 1 });
  const isUrl = /^https?:\/\//.test(nameOrUrl);
  const info = isUrl ? undefined : findPretrained(nameOrUrl);
  if (!isUrl && info === undefined) {
    throw new ConfigError(`no pretrained network named '${nameOrUrl}'`, {
      argument: 'nameOrUrl',
      expected: `one of ${pretrainedModels()
        .map((m) => m.name)
        .join(', ')}, an http(s) URL of a model.json, or (CLI) a model folder`,
    });
  }
  const name = info?.name ?? `url-${sha256(new TextEncoder().encode(nameOrUrl)).slice(0, 16)}`;
  const dir = join(options.cacheDir ?? defaultCacheDir(), 'models', name);
  let base = info ? info.url.slice(0, -'model.json'.length) : nameOrUrl.replace(/model\.json$/, '');
  if (options.mirror !== undefined) {
    if (!/^https?:\/\/.+\/$/.test(options.mirror)) {
      throw new ConfigError('a mirror is an http(s) base URL ending in /', {
        argument: 'mirror',
        received: options.mirror,
      });
    }
    base = options.mirror;
  }
  // For a plain URL the checksums are the ones recorded when it was first downloaded.
  const manifest = join(dir, 'trainkit-files.json');
  const expected: readonly PretrainedFile[] | undefined =
    info?.files ??
    (existsSync(manifest) ? JSON.parse(await readFile(manifest, 'utf8')) : undefined);
  if (expected && (await verifyCache(dir, expected))) {
    return { model: await loadModelFromPath(dir), info, dir, fromCache: true };
  }
  const manual = (files: readonly string[]) =>
    `to work offline, place ${files.length > 1 ? `these ${files.length} files` : 'this file'} by hand in ${dir}/: ${files
      .map((f) => base + f)
      .join(' ')}${info ? ' (their SHA-256 are in the registry: pretrainedModels())' : ''}`;
  if (options.offline) {
    throw new IOError(`'${name}' is not in the cache (offline)`, {
      argument: nameOrUrl,
      expected: manual(
        expected?.map((f) => f.path) ?? ['model.json', '<the weight shards it lists>'],
      ),
    });
  }
  const bar = options.progress ?? process.stderr.isTTY === true;
  const report = (p: DownloadProgress) => {
    options.onProgress?.(p);
    if (bar) {
      const pct = p.total > 0 ? Math.min(1, p.loaded / p.total) : 0;
      const filled = Math.round(pct * 24);
      process.stderr.write(
        `\r${name} [${'#'.repeat(filled)}${'.'.repeat(24 - filled)}] ${mb(p.loaded)}${p.total ? `/${mb(p.total)}` : ''} MB, file ${Math.min(p.filesDone + 1, p.files || 1)}/${p.files || '?'}  `,
      );
    }
  };
  const tmp = `${dir}.part-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    const state = { loaded: 0, total: 0, filesDone: 0, files: expected?.length ?? 0 };
    const get = async (file: string) => {
      const bytes = await download(base + file, file, timeoutMs, state, report, () =>
        manual(expected?.map((f) => f.path) ?? ['model.json', '<the weight shards it lists>']),
      );
      const want = expected?.find((f) => f.path === file)?.sha256;
      const got = sha256(bytes);
      if (info && want === undefined) {
        throw new IOError('the model lists a file the registry does not know', {
          argument: base + file,
          expected: `files ${info.files.map((f) => f.path).join(', ')}`,
        });
      }
      if (want !== undefined && got !== want) {
        throw new IOError('checksum mismatch (corrupt or changed download); nothing was saved', {
          argument: base + file,
          expected: `sha256 ${want}`,
          receivedText: `sha256 ${got} (${bytes.length} bytes)`,
        });
      }
      await writeFile(join(tmp, file), bytes);
      state.filesDone++;
      return { path: file, sha256: got, bytes };
    };
    const modelJson = await get('model.json');
    const shards = shardPaths(modelJson.bytes, base);
    if (!expected) state.files = shards.length + 1;
    const got: PretrainedFile[] = [{ path: 'model.json', sha256: modelJson.sha256 }];
    for (const s of shards) {
      const f = await get(s);
      got.push({ path: f.path, sha256: f.sha256 });
    }
    if (!info) await writeFile(join(tmp, 'trainkit-files.json'), `${JSON.stringify(got)}\n`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, '..'), { recursive: true });
    await rename(tmp, dir);
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true });
    throw cause;
  } finally {
    if (bar) process.stderr.write('\n');
  }
  return { model: await loadModelFromPath(dir), info, dir, fromCache: false };
}

function shardPaths(modelJson: Uint8Array, base: string): string[] {
  try {
    const json = JSON.parse(new TextDecoder().decode(modelJson)) as {
      weightsManifest?: { paths: string[] }[];
    };
    const paths = (json.weightsManifest ?? []).flatMap((g) => g.paths);
    for (const p of paths) {
      if (p.includes('..') || p.startsWith('/') || p.includes('://'))
        throw new Error(`unsafe path ${p}`);
    }
    return paths;
  } catch (cause) {
    throw new IOError('model.json is not a tfjs-layers model description', {
      argument: `${base}model.json`,
      expected: 'JSON with a weightsManifest',
      cause,
    });
  }
}

async function verifyCache(dir: string, files: readonly PretrainedFile[]): Promise<boolean> {
  for (const f of files) {
    const p = join(dir, f.path);
    if (!existsSync(p)) return false;
    if (sha256(await readFile(p)) !== f.sha256) return false;
  }
  return true;
}

async function download(
  url: string,
  file: string,
  timeoutMs: number,
  state: { loaded: number; total: number; filesDone: number; files: number },
  report: (p: DownloadProgress) => void,
  manual: () => string,
): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
    const reason = inner?.code ?? inner?.message ?? (cause as Error)?.message;
    throw new IOError(`cannot download (offline or unreachable: ${reason})`, {
      argument: url,
      expected: manual(),
      cause,
    });
  }
  if (!res.ok || !res.body) {
    throw new IOError(`download failed with HTTP ${res.status}`, {
      argument: url,
      expected: manual(),
    });
  }
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > 0) state.total += length;
  const chunks: Uint8Array[] = [];
  let n = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    n += value.length;
    state.loaded += value.length;
    report({ file, ...state });
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

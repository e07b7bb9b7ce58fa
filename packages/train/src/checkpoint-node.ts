// Node-only: checkpoints in a directory. `node:fs` is imported lazily so that importing
// @trainkit/train in a browser never touches it.
//
// A checkpoint is one unit: `checkpoint.json` + `tensors.bin` (+ any extra files the caller adds),
// each replaced atomically, then `manifest.json` written last with the size and SHA-256 of every
// part. Before a new checkpoint replaces them, the current unit is kept in `previous/` (hard links,
// so nothing is copied). A crash at any point leaves a unit that verifies: the new one, or the
// previous one that `restoreCheckpoint` falls back to.
import { ConfigError, IOError } from '@trainkit/core';
import { assertCheckpoint, type Checkpoint, type SavedTensor } from './checkpoint';

interface Entry {
  shape: number[];
  dtype: SavedTensor['dtype'];
  offset: number;
  length: number;
}

interface Manifest {
  kind: 'train.checkpoint-manifest';
  version: 1;
  /** Every part of the unit (checkpoint.json last): its size and SHA-256. */
  files: Record<string, { bytes: number; sha256: string }>;
}

const MANIFEST = 'manifest.json';
const PREVIOUS = 'previous';
const RESERVED = new Set(['checkpoint.json', 'tensors.bin', MANIFEST]);

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * More files saved in the same unit (e.g. the model's `model.json` and `weights.bin`), verified
   * and restored with it. Names are plain file names (letters, digits, `.`, `_`, `-`).
   */
  files?: Record<string, Uint8Array | string>;
}

/** What {@link readCheckpoint} returns. */
export interface ReadCheckpoint {
  checkpoint: Checkpoint;
  /** The extra files saved with it ({@link SaveCheckpointOptions.files}). */
  files: Record<string, Uint8Array>;
  /** Set when the newest checkpoint did not verify and the previous one was read: why. */
  fellBack?: string;
}

function pack(map: Record<string, SavedTensor>, chunks: Uint8Array[], pos: { at: number }) {
  const out: Record<string, Entry> = {};
  for (const [k, t] of Object.entries(map)) {
    const bytes = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
    out[k] = { shape: t.shape, dtype: t.dtype, offset: pos.at, length: t.values.length };
    chunks.push(bytes.slice());
    pos.at += bytes.byteLength;
  }
  return out;
}

function unpack(map: Record<string, Entry>, buf: Uint8Array): Record<string, SavedTensor> {
  const out: Record<string, SavedTensor> = {};
  for (const [k, e] of Object.entries(map)) {
    const Ctor = e.dtype === 'int32' ? Int32Array : e.dtype === 'bool' ? Uint8Array : Float32Array;
    const end = e.offset + e.length * Ctor.BYTES_PER_ELEMENT;
    if (!(e.offset >= 0 && end <= buf.byteLength)) {
      throw new RangeError(`entry "${k}" lies past the end of tensors.bin`);
    }
    const bytes = buf.slice(e.offset, end);
    out[k] = { shape: e.shape, dtype: e.dtype, values: new Ctor(bytes.buffer, 0, e.length) };
  }
  return out;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(bytes).digest('hex');
}

function checkExtraNames(files: Record<string, unknown>): void {
  for (const name of Object.keys(files)) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name) || RESERVED.has(name) || name === PREVIOUS) {
      throw new ConfigError('invalid checkpoint file name', {
        argument: `options.files.${name}`,
        expected: `a plain file name other than ${[...RESERVED, PREVIOUS].join(', ')}`,
        received: name,
      });
    }
  }
}

/**
 * Writes a checkpoint to `dir` (created if needed) as one crash-safe unit: `tensors.bin`,
 * `checkpoint.json` and any `options.files`, each replaced atomically, then `manifest.json` with
 * their sizes and SHA-256. The unit it replaces is kept in `dir/previous/` (the last two are
 * kept). A full disk or any write failure is an {@link IOError} naming the file. Node only.
 *
 * @example
 * await fit(model, data, { epochs: 5, onCheckpoint: (c) => saveCheckpoint('./ckpt', c) });
 */
export async function saveCheckpoint(
  dir: string,
  checkpoint: Checkpoint,
  options: SaveCheckpointOptions = {},
): Promise<void> {
  const c = assertCheckpoint(checkpoint, 'checkpoint');
  const extra = options.files ?? {};
  checkExtraNames(extra);
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { writeFileAtomic, fsyncDirectory, fileError } = await import('@trainkit/core/node');
  const chunks: Uint8Array[] = [];
  const pos = { at: 0 };
  const meta = {
    ...c,
    weights: pack(c.weights, chunks, pos),
    optimizerState: pack(c.optimizerState, chunks, pos),
    ...(c.accumulated ? { accumulated: pack(c.accumulated, chunks, pos) } : {}),
  };
  const parts: [string, Uint8Array][] = [
    ['tensors.bin', Buffer.concat(chunks)],
    ...Object.entries(extra).map(
      ([k, v]) => [k, typeof v === 'string' ? Buffer.from(v, 'utf8') : v] as [string, Uint8Array],
    ),
    ['checkpoint.json', Buffer.from(JSON.stringify(meta), 'utf8')],
  ];
  const manifest: Manifest = { kind: 'train.checkpoint-manifest', version: 1, files: {} };
  for (const [name, bytes] of parts) {
    manifest.files[name] = { bytes: bytes.byteLength, sha256: await sha256(bytes) };
  }
  fs.mkdirSync(dir, { recursive: true });
  removeLeftovers(fs, path, dir);
  // Keep the current unit, if it verifies, as the previous one (hard links: no copy). A unit this
  // process wrote itself (its manifest unchanged on disk) is not read back again.
  const key = path.resolve(dir);
  const mine = lastWritten.get(key);
  let current: string[] | undefined;
  if (
    mine !== undefined &&
    readText(fs, path.join(dir, MANIFEST)) === mine.text &&
    mine.files.every((f) => stamp(fs, path.join(dir, f)) === mine.stamps[f])
  ) {
    current = mine.files;
  } else current = await verifiedFiles(dir);
  if (current) {
    const prev = path.join(dir, PREVIOUS);
    fs.rmSync(prev, { recursive: true, force: true });
    fs.mkdirSync(prev);
    for (const name of current) {
      const from = path.join(dir, name);
      const to = path.join(prev, name);
      try {
        fs.linkSync(from, to);
      } catch {
        try {
          fs.copyFileSync(from, to);
          const fd = fs.openSync(to, 'r');
          fs.fsyncSync(fd);
          fs.closeSync(fd);
        } catch (e) {
          throw fileError('cannot keep the previous checkpoint', to, e);
        }
      }
    }
    fsyncDirectory(prev);
    fsyncDirectory(dir);
  }
  // The new unit: its parts, then the manifest that makes it valid.
  for (const [name, bytes] of parts) writeFileAtomic(path.join(dir, name), bytes);
  const manifestText = `${JSON.stringify(manifest)}\n`;
  writeFileAtomic(path.join(dir, MANIFEST), manifestText);
  const written = [...Object.keys(manifest.files), MANIFEST];
  lastWritten.set(key, {
    text: manifestText,
    files: written,
    stamps: Object.fromEntries(written.map((f) => [f, stamp(fs, path.join(dir, f))])),
  });
  // Extra files of the replaced unit that this one does not have (the previous unit keeps them).
  for (const name of current ?? []) {
    if (!(name in manifest.files) && name !== MANIFEST)
      fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** The manifest this process last wrote into each checkpoint folder, and its files. */
const lastWritten = new Map<
  string,
  { text: string; files: string[]; stamps: Record<string, string | undefined> }
>();

/** Identity, size and modification time of a file: changes whenever anything rewrites it. */
function stamp(fs: typeof import('node:fs'), file: string): string | undefined {
  try {
    const s = fs.statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return undefined;
  }
}

function readText(fs: typeof import('node:fs'), file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Temporary files of writes a crash interrupted. */
function removeLeftovers(
  fs: typeof import('node:fs'),
  path: typeof import('node:path'),
  dir: string,
): void {
  for (const d of [dir, path.join(dir, PREVIOUS)]) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) if (/^\..*\.tmp$/.test(n)) fs.rmSync(path.join(d, n), { force: true });
  }
}

/** The files of the unit in `dir` when its manifest and every part verify; `undefined` otherwise. */
async function verifiedFiles(dir: string): Promise<string[] | undefined> {
  try {
    const unit = await readUnit(dir, 'dir');
    // parts first, the manifest that validates them last
    return unit.manifest
      ? [...Object.keys(unit.manifest.files), MANIFEST]
      : ['tensors.bin', 'checkpoint.json'];
  } catch {
    return undefined;
  }
}

interface Unit {
  checkpoint: Checkpoint;
  files: Record<string, Uint8Array>;
  manifest?: Manifest;
}

/** Reads and verifies one unit (a folder with checkpoint.json, tensors.bin, manifest.json). */
async function readUnit(dir: string, argument: string): Promise<Unit> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  let meta: Checkpoint & {
    weights: Record<string, Entry>;
    optimizerState: Record<string, Entry>;
    accumulated?: Record<string, Entry>;
  };
  let buf: Uint8Array;
  let manifest: Manifest | undefined;
  let metaText: Buffer;
  try {
    metaText = await fs.readFile(path.join(dir, 'checkpoint.json'));
    meta = JSON.parse(metaText.toString('utf8'));
    buf = new Uint8Array(await fs.readFile(path.join(dir, 'tensors.bin')));
  } catch (e) {
    throw new IOError('cannot read checkpoint', {
      argument,
      expected: 'a directory with checkpoint.json and tensors.bin',
      received: dir,
      cause: e,
    });
  }
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new IOError('the checkpoint manifest is unreadable', {
        argument: path.join(dir, MANIFEST),
        cause: e,
      });
    }
    // No manifest: a checkpoint written before manifests, or the very first save cut before its
    // manifest (then its parts, checkpoint.json last, all come from that one save). Read as it is,
    // with the other plain files of the folder as its extra files.
    manifest = undefined;
  }
  assertCheckpoint(meta, 'checkpoint.json');
  const files: Record<string, Uint8Array> = {};
  if (manifest !== undefined) {
    if (manifest?.kind !== 'train.checkpoint-manifest' || typeof manifest.files !== 'object') {
      throw new IOError('the checkpoint manifest is not valid', {
        argument: path.join(dir, MANIFEST),
        expected: "{ kind: 'train.checkpoint-manifest', files }",
      });
    }
    for (const [name, want] of Object.entries(manifest.files)) {
      let bytes: Uint8Array;
      if (name === 'checkpoint.json') bytes = metaText;
      else if (name === 'tensors.bin') bytes = buf;
      else {
        if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name)) {
          throw new IOError('the checkpoint manifest names a file outside its folder', {
            argument: path.join(dir, MANIFEST),
            received: name,
          });
        }
        try {
          bytes = new Uint8Array(await fs.readFile(path.join(dir, name)));
        } catch (e) {
          throw new IOError('a checkpoint file is missing', {
            argument: path.join(dir, name),
            cause: e,
          });
        }
        files[name] = bytes;
      }
      if (bytes.byteLength !== want.bytes || (await sha256(bytes)) !== want.sha256) {
        throw new IOError('a checkpoint file does not match its manifest (torn or mixed write)', {
          argument: path.join(dir, name),
          expected: `${want.bytes} bytes with SHA-256 ${want.sha256.slice(0, 12)}...`,
          receivedText: `${bytes.byteLength} bytes with another checksum`,
        });
      }
    }
  }
  if (manifest === undefined) {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      if (!e.isFile() || e.name.startsWith('.') || RESERVED.has(e.name)) continue;
      files[e.name] = new Uint8Array(await fs.readFile(path.join(dir, e.name)));
    }
  }
  try {
    return {
      checkpoint: {
        ...meta,
        weights: unpack(meta.weights, buf),
        optimizerState: unpack(meta.optimizerState, buf),
        ...(meta.accumulated ? { accumulated: unpack(meta.accumulated, buf) } : {}),
      },
      files,
      ...(manifest ? { manifest } : {}),
    };
  } catch (e) {
    throw new IOError('corrupt checkpoint tensors', { argument, received: dir, cause: e });
  }
}

/**
 * Reads the checkpoint in `dir` written by {@link saveCheckpoint}, verifying every part against
 * its manifest; when the newest does not verify (a crash tore or mixed it), the previous one
 * (`dir/previous/`) is read instead and `fellBack` says why. Neither verifying is an error of the
 * newest (an {@link IOError}, or a `ConfigError` for a malformed `checkpoint.json`).
 *
 * @example
 * const { checkpoint, fellBack } = await readCheckpoint('./ckpt');
 * if (fellBack) console.warn(`using the previous checkpoint: ${fellBack}`);
 */
export async function readCheckpoint(dir: string): Promise<ReadCheckpoint> {
  const path = await import('node:path');
  try {
    const u = await readUnit(dir, 'dir');
    return { checkpoint: u.checkpoint, files: u.files };
  } catch (newest) {
    let prev: Unit;
    try {
      prev = await readUnit(path.join(dir, PREVIOUS), 'dir');
    } catch {
      throw newest;
    }
    return {
      checkpoint: prev.checkpoint,
      files: prev.files,
      fellBack: (newest as Error).message,
    };
  }
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint} (verified; the previous one when the newest
 * is torn: see {@link readCheckpoint}); pass it to `fit(..., { resumeFrom })`.
 *
 * @example
 * await fit(model, data, { epochs: 10, resumeFrom: await restoreCheckpoint('./ckpt') });
 */
export async function restoreCheckpoint(dir: string): Promise<Checkpoint> {
  return (await readCheckpoint(dir)).checkpoint;
}

// Node-only: checkpoints in a directory (checkpoint.json + tensors.bin). `node:fs` is imported
// lazily so that importing @trainkit/train in a browser never touches it.
import { IOError } from '@trainkit/core';
import { assertCheckpoint, type Checkpoint, type SavedTensor } from './checkpoint';

interface Entry {
  shape: number[];
  dtype: SavedTensor['dtype'];
  offset: number;
  length: number;
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
    const bytes = buf.slice(e.offset, e.offset + e.length * Ctor.BYTES_PER_ELEMENT);
    out[k] = { shape: e.shape, dtype: e.dtype, values: new Ctor(bytes.buffer, 0, e.length) };
  }
  return out;
}

/**
 * Writes a checkpoint to `dir` (created if needed) as `checkpoint.json` + `tensors.bin`. Node only.
 *
 * @example
 * await fit(model, data, { epochs: 5, onCheckpoint: (c) => saveCheckpoint('./ckpt', c) });
 */
export async function saveCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const c = assertCheckpoint(checkpoint, 'checkpoint');
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const chunks: Uint8Array[] = [];
  const pos = { at: 0 };
  const meta = {
    ...c,
    weights: pack(c.weights, chunks, pos),
    optimizerState: pack(c.optimizerState, chunks, pos),
    ...(c.accumulated ? { accumulated: pack(c.accumulated, chunks, pos) } : {}),
  };
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'tensors.bin'), Buffer.concat(chunks));
    await fs.writeFile(path.join(dir, 'checkpoint.json'), JSON.stringify(meta));
  } catch (e) {
    throw new IOError('cannot write checkpoint', { argument: 'dir', received: dir, cause: e });
  }
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}; pass it to `fit(..., { resumeFrom })`.
 *
 * @example
 * await fit(model, data, { epochs: 10, resumeFrom: await restoreCheckpoint('./ckpt') });
 */
export async function restoreCheckpoint(dir: string): Promise<Checkpoint> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  let meta: Checkpoint & {
    weights: Record<string, Entry>;
    optimizerState: Record<string, Entry>;
    accumulated?: Record<string, Entry>;
  };
  let buf: Uint8Array;
  try {
    meta = JSON.parse(await fs.readFile(path.join(dir, 'checkpoint.json'), 'utf8'));
    buf = new Uint8Array(await fs.readFile(path.join(dir, 'tensors.bin')));
  } catch (e) {
    throw new IOError('cannot read checkpoint', {
      argument: 'dir',
      expected: 'a directory with checkpoint.json and tensors.bin',
      received: dir,
      cause: e,
    });
  }
  assertCheckpoint(meta, 'checkpoint.json');
  try {
    return {
      ...meta,
      weights: unpack(meta.weights, buf),
      optimizerState: unpack(meta.optimizerState, buf),
      ...(meta.accumulated ? { accumulated: unpack(meta.accumulated, buf) } : {}),
    };
  } catch (e) {
    throw new IOError('corrupt checkpoint tensors', { argument: 'dir', received: dir, cause: e });
  }
}

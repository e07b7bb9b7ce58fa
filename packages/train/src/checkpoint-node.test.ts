import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, IOError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from './checkpoint';
import { readCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoint-node';

function ckpt(step: number): Checkpoint {
  return {
    kind: 'train.checkpoint',
    version: 1,
    epoch: step,
    step,
    rng: { kind: 'trainkit.Rng', version: 1, algorithm: 'xoshiro128**', s: [1, 2, 3, 4] },
    weights: { w: { shape: [2], dtype: 'float32', values: new Float32Array([step, -step]) } },
    optimizerState: { m: { shape: [1], dtype: 'float32', values: new Float32Array([step / 2]) } },
  };
}

const fresh = () => mkdtempSync(join(tmpdir(), 'trainkit-ckpt-unit-'));

describe('checkpoint units', () => {
  it('keeps the last two checkpoints and writes a manifest with sizes and SHA-256', async () => {
    const dir = fresh();
    for (const s of [1, 2, 3])
      await saveCheckpoint(dir, ckpt(s), { files: { 'note.txt': `s${s}` } });
    expect(readdirSync(dir).sort()).toEqual(
      ['checkpoint.json', 'manifest.json', 'note.txt', 'previous', 'tensors.bin'].sort(),
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.files['tensors.bin'].bytes).toBe(12);
    expect(manifest.files['note.txt']).toEqual({
      bytes: 2,
      // sha256("s3"), computed independently: `printf s3 | sha256sum`
      sha256: '41242b9fae56fad4e6e77dfe33cb18d1c3fc583f988cf25ef9f2d9be0d440bbb',
    });
    const r = await readCheckpoint(dir);
    expect(r.checkpoint.step).toBe(3);
    expect([...(r.checkpoint.weights.w?.values ?? [])]).toEqual([3, -3]);
    expect(Buffer.from(r.files['note.txt'] ?? []).toString()).toBe('s3');
    expect(r.fellBack).toBeUndefined();
    expect((await readCheckpoint(join(dir, 'previous'))).checkpoint.step).toBe(2);
  });

  it('falls back to the previous checkpoint when the newest is torn or mixed', async () => {
    const dir = fresh();
    await saveCheckpoint(dir, ckpt(4));
    const older = readFileSync(join(dir, 'tensors.bin'));
    await saveCheckpoint(dir, ckpt(5));
    // tensors.bin of step 4 with checkpoint.json of step 5: a crash between two writes
    writeFileSync(join(dir, 'tensors.bin'), older);
    const mixed = await readCheckpoint(dir);
    expect(mixed.checkpoint.step).toBe(4);
    expect(mixed.fellBack).toMatch(/tensors\.bin: a checkpoint file does not match its manifest/);
    // a torn newest (step 5 did not verify, so step 4 stayed the previous one)
    await saveCheckpoint(dir, ckpt(6));
    expect((await readCheckpoint(dir)).checkpoint.step).toBe(6);
    truncateSync(join(dir, 'tensors.bin'), 5);
    expect((await readCheckpoint(dir)).checkpoint.step).toBe(4);
    // both torn: the newest's error, typed and naming the file
    truncateSync(join(dir, 'previous', 'tensors.bin'), 3);
    await expect(restoreCheckpoint(dir)).rejects.toThrow(IOError);
    await expect(restoreCheckpoint(dir)).rejects.toThrow(/tensors\.bin/);
  });

  it('a torn newest is not kept as the previous one', async () => {
    const dir = fresh();
    await saveCheckpoint(dir, ckpt(1));
    await saveCheckpoint(dir, ckpt(2));
    truncateSync(join(dir, 'checkpoint.json'), 10);
    await saveCheckpoint(dir, ckpt(3));
    // step 2 did not verify: previous/ still holds step 1
    expect((await readCheckpoint(join(dir, 'previous'))).checkpoint.step).toBe(1);
    expect((await readCheckpoint(dir)).checkpoint.step).toBe(3);
  });

  it('refuses extra file names that are not plain names', async () => {
    const dir = fresh();
    for (const name of ['../x', 'manifest.json', 'previous', 'a/b']) {
      await expect(saveCheckpoint(dir, ckpt(1), { files: { [name]: 'x' } })).rejects.toThrow(
        ConfigError,
      );
    }
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Params, ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { blobs } from '../test/blobs';
import { fitKeepingCheckpoint } from '../test/fit-keeping-checkpoint';
import { testMomentum, testSgd } from '../test/tiny-optimizers';
import type { Batch } from './batches';
import type { Checkpoint } from './checkpoint';
import { restoreCheckpoint, saveCheckpoint } from './checkpoint-node';
import { type FitOptions, fitFunction } from './fit-function';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
import type { Forward } from './train-step';

const linear: Forward = (p, x) => tf.add(tf.matMul(x, p.w as tf.Tensor), p.b as tf.Tensor);
const INIT = [
  [0.1, -0.2, 0.3],
  [0.05, 0.4, -0.1],
];
const fresh = (): Params => ({
  w: tf.variable(tf.tensor2d(INIT)),
  b: tf.variable(tf.tensor1d([0, 0, 0])),
});
const values = async (p: Params) => ({
  w: Array.from(await p.w!.data()),
  b: Array.from(await p.b!.data()),
});
const free = (p: Params) => tf.dispose(Object.values(p));
/** Softmax cross-entropy with momentum 0.9 at lr 0.1, no progress bar; `extra` overrides. */
const momentumFit = (extra: Partial<FitOptions>): FitOptions => ({
  loss: softmaxCrossEntropy(),
  optimizer: testMomentum(0.1, 0.9),
  progress: false,
  ...extra,
});

/** Saves through a directory and reads it back, as the CLI does. */
async function roundTrip(c: Checkpoint): Promise<Checkpoint> {
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-mid-'));
  try {
    await saveCheckpoint(dir, c);
    return await restoreCheckpoint(dir);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

/** Trains with a listener stopping after update `stopAt` (0-based), returning the checkpoint. */
const cut = (
  p: Params,
  data: Parameters<typeof fitFunction>[2],
  opts: FitOptions,
  stopAt: number,
) =>
  fitKeepingCheckpoint(p, linear, data, {
    ...opts,
    listeners: [{ onBatchEnd: (e) => (e.step === stopAt ? e.stopTraining('cut') : undefined) }],
  });

describe('mid-epoch resume', () => {
  it('stopping after 8 of 15 updates mid-epoch + resume == 15 updates in one go (shuffled, momentum)', async () => {
    // 24 examples in batches of 5: 5 batches (5,5,5,5,4) per epoch, 3 epochs = 15 updates.
    const data = blobs(24);
    const opts = momentumFit({ batchSize: 5, rng: 11, epochs: 3 });
    const straightLogs: number[] = [];
    const straight = fresh();
    const s = await fitFunction(straight, linear, data, {
      ...opts,
      listeners: [{ onEpochEnd: (e) => void straightLogs.push(e.logs.loss as number) }],
    });
    expect(s.step).toBe(15);

    const first = fresh();
    // update 7 is batch 2 (the 3rd) of epoch 1: 3 batches of epoch 1 are done
    const { res, ckpt } = await cut(first, data, opts, 7);
    expect(res).toMatchObject({ epoch: 1, batch: 3, step: 8, stopReason: 'cut' });
    expect(res.history).toHaveLength(1); // the cut epoch adds no history entry
    expect(ckpt).toMatchObject({ epoch: 1, batch: 3, step: 8 });

    const restored = await roundTrip(ckpt);
    expect(restored).toMatchObject({ epoch: 1, batch: 3, step: 8 });
    const events: string[] = [];
    const batchLoss: { loss: number; size: number }[] = [];
    const resumed = fresh();
    const r = await fitFunction(resumed, linear, data, {
      ...opts,
      rng: 999, // ignored: the checkpoint's Rng wins
      resumeFrom: restored,
      listeners: [
        {
          onEpochBegin: (e) => void events.push(`begin ${e.epoch} @${e.step}`),
          onBatchEnd: (e) => {
            events.push(`batch ${e.epoch}.${e.batch}`);
            if (e.epoch === 1) batchLoss.push({ loss: e.loss.dataSync()[0]!, size: e.batchSize });
          },
          onEpochEnd: (e) => void events.push(`end ${e.epoch}`),
        },
      ],
    });
    expect(r.step).toBe(15);
    expect(r.epoch).toBe(3);
    expect(r.batch).toBeUndefined();
    expect(events.slice(0, 5)).toEqual([
      'begin 1 @8',
      'batch 1.3',
      'batch 1.4',
      'end 1',
      'begin 2 @10',
    ]);
    // the resumed epoch's logs cover the 2 batches trained after the resume (5 + 4 examples)
    expect(batchLoss.map((b) => b.size)).toEqual([5, 4]);
    const mean = (batchLoss[0]!.loss * 5 + batchLoss[1]!.loss * 4) / 9;
    expect(r.history[0]!.loss).toBeCloseTo(mean, 6);
    expect(r.history[0]!.loss).not.toBeCloseTo(straightLogs[1]!, 6);
    expect(r.history[1]!.loss).toBeCloseTo(straightLogs[2]!, 6); // later epochs are whole again

    const want = await values(straight);
    const got = await values(resumed);
    expect(got).toEqual(want); // bit-identical: the same ops on the same batches in the same order

    // The test can fail: the same checkpoint read as "epoch 1 done" (the old behaviour) differs.
    const skipped = fresh();
    const { batch: _b, ...asDone } = restored;
    await fitFunction(skipped, linear, data, { ...opts, resumeFrom: { ...asDone, epoch: 2 } });
    expect(await values(skipped)).not.toEqual(want);
    for (const p of [straight, first, resumed, skipped]) free(p);
    tf.dispose([data.x, data.y]);
  });

  it('with gradient accumulation a cut inside a group keeps its partial gradient sums', async () => {
    // 20 examples in batches of 4: 5 batches per epoch; updates after batches 1 and 3 of each
    // epoch, and batch 4 ends the epoch as a group of one: 3 updates per epoch.
    const data = blobs(20, 3);
    const opts: FitOptions = {
      loss: softmaxCrossEntropy(),
      optimizer: testSgd(0.2),
      batchSize: 4,
      accumulateSteps: 2,
      shuffle: false,
      epochs: 3,
      progress: false,
    };
    const straight = fresh();
    const s = await fitFunction(straight, linear, data, opts);
    expect(s.step).toBe(9);

    const first = fresh();
    const { ckpt } = await fitKeepingCheckpoint(first, linear, data, {
      ...opts,
      // epoch 1 after batch 2: inside a group (updates 0-2 in epoch 0, update 3 after batch 1)
      listeners: [
        { onBatchEnd: (e) => (e.epoch === 1 && e.batch === 2 ? e.stopTraining('cut') : undefined) },
      ],
    });
    expect(ckpt).toMatchObject({ epoch: 1, batch: 3, step: 4 });
    expect(Object.keys(ckpt.accumulated ?? {}).sort()).toEqual(['b', 'w']);
    const restored = await roundTrip(ckpt);
    expect(Array.from(restored.accumulated!.w!.values).some((v) => v !== 0)).toBe(true);

    const resumed = fresh();
    const r = await fitFunction(resumed, linear, data, { ...opts, resumeFrom: restored });
    expect(r.step).toBe(9);
    const want = await values(straight);
    const got = await values(resumed);
    expect(got).toEqual(want); // bit-identical: the same ops on the same batches in the same order
    // without the partial sums the resumed run differs
    const lost = fresh();
    const { accumulated: _a, ...noSums } = restored;
    await fitFunction(lost, linear, data, { ...opts, resumeFrom: noSums });
    expect(await values(lost)).not.toEqual(want);
    for (const p of [straight, first, resumed, lost]) free(p);
    tf.dispose([data.x, data.y]);
  });

  it('iterable data: skips the trained batches; a stop at the last batch counts the epoch as done', async () => {
    const data = blobs(12, 5);
    const batches = (): Batch[] =>
      [0, 4, 8].map((s) => ({ x: tf.slice(data.x, s, 4), y: tf.slice(data.y, s, 4) }));
    const opts: FitOptions = {
      loss: softmaxCrossEntropy(),
      optimizer: testMomentum(0.1, 0.5),
      epochs: 2,
      progress: false,
    };
    const straight = fresh();
    await fitFunction(straight, linear, batches, opts);

    const first = fresh();
    const { ckpt } = await cut(first, batches, opts, 1); // 2 of 3 batches of epoch 0
    expect(ckpt).toMatchObject({ epoch: 0, batch: 2, step: 2 });
    const resumed = fresh();
    const r = await fitFunction(resumed, linear, batches, { ...opts, resumeFrom: ckpt });
    expect(r.step).toBe(6);
    expect(await values(resumed)).toEqual(await values(straight));

    // a stop after the epoch's last batch: the epoch is done, the checkpoint has no `batch`
    const atEnd = fresh();
    const end = await cut(atEnd, batches, opts, 2);
    expect(end.res.epoch).toBe(1);
    expect(end.res.batch).toBeUndefined();
    expect(end.ckpt.epoch).toBe(1);
    expect('batch' in end.ckpt).toBe(false);
    // same for tensor data (24 examples, batch 6: update 3 ends epoch 0)
    const t = blobs(24);
    const atEndT = fresh();
    const endT = await cut(atEndT, t, { ...opts, batchSize: 6 }, 3);
    expect(endT.ckpt).toMatchObject({ epoch: 1, step: 4 });
    expect('batch' in endT.ckpt).toBe(false);
    // an iterable shorter than the checkpoint's batch count is refused
    await expect(
      fitFunction(fresh(), linear, () => batches().slice(0, 2), { ...opts, resumeFrom: ckpt }),
    ).rejects.toThrow(/resumeFrom\.batch/);
    for (const p of [straight, first, resumed, atEnd, atEndT]) free(p);
    tf.dispose([data.x, data.y, t.x, t.y]);
  });

  it('early stopping at an epoch end still counts the epoch as done', async () => {
    const data = blobs(12);
    const p = fresh();
    const { res, ckpt } = await fitKeepingCheckpoint(p, linear, data, {
      loss: softmaxCrossEntropy(),
      optimizer: testSgd(0.1),
      batchSize: 4,
      epochs: 5,
      progress: false,
      listeners: [{ onEpochEnd: (e) => (e.epoch === 1 ? e.stopTraining('plateau') : undefined) }],
    });
    expect(res).toMatchObject({ epoch: 2, step: 6, stopReason: 'plateau' });
    expect(res.batch).toBeUndefined();
    expect(ckpt).toMatchObject({ epoch: 2, step: 6 });
    expect(ckpt.batch).toBeUndefined();
    free(p);
    tf.dispose([data.x, data.y]);
  });

  it('an old-format checkpoint (no batch, no accumulated) resumes at its epoch boundary', async () => {
    const data = blobs(24);
    const opts = momentumFit({ batchSize: 5, rng: 4 });
    const straight = fresh();
    await fitFunction(straight, linear, data, { ...opts, epochs: 2 });
    const first = fresh();
    const { ckpt } = await fitKeepingCheckpoint(first, linear, data, { ...opts, epochs: 1 });
    // exactly the fields a version-1 checkpoint had before mid-epoch resume, written as JSON
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-old-'));
    await saveCheckpoint(dir, ckpt);
    const meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    expect(Object.keys(meta).sort()).toEqual(
      ['epoch', 'kind', 'optimizer', 'optimizerState', 'rng', 'step', 'version', 'weights'].sort(),
    );
    const old = await restoreCheckpoint(dir);
    const resumed = fresh();
    const r = await fitFunction(resumed, linear, data, { ...opts, epochs: 2, resumeFrom: old });
    expect(r).toMatchObject({ epoch: 2, step: 10 });
    expect(await values(resumed)).toEqual(await values(straight));

    // a bad `batch` in checkpoint.json is a typed error naming the field
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify({ ...meta, batch: 'two' }));
    await expect(restoreCheckpoint(dir)).rejects.toThrow(ConfigError);
    await expect(restoreCheckpoint(dir)).rejects.toThrow(/checkpoint\.json\.batch/);
    rmSync(dir, { recursive: true });
    for (const [batch, Err] of [
      [-1, ValueRangeError],
      [1.5, ValueRangeError],
      ['3', ConfigError],
      [5, ConfigError], // 24 examples in batches of 5 make 5 batches: 5 is past the end
    ] as const) {
      const p = fresh();
      const before = tf.memory().numTensors;
      const run = fitFunction(p, linear, data, {
        ...opts,
        epochs: 2,
        resumeFrom: { ...old, batch } as unknown as Checkpoint,
      });
      await expect(run).rejects.toThrow(Err);
      await expect(run).rejects.toThrow(/resumeFrom\.batch/);
      expect(tf.memory().numTensors).toBe(before);
      free(p);
    }
    for (const p of [straight, first, resumed]) free(p);
    tf.dispose([data.x, data.y]);
  });

  it('leaks no tensor across a cut and a resume (tensor and iterable data)', async () => {
    const data = blobs(12);
    const p = fresh();
    const opts = momentumFit({ batchSize: 4, accumulateSteps: 2, epochs: 2 });
    await expectNoLeaks(async () => {
      const { ckpt } = await cut(p, data, opts, 1);
      await fitFunction(p, linear, data, { ...opts, resumeFrom: ckpt });
      // a lazy generator: batches not yet read when the run stops are never created
      const it = function* () {
        for (const s of [0, 4, 8]) yield { x: tf.slice(data.x, s, 4), y: tf.slice(data.y, s, 4) };
      };
      const c2 = await cut(p, it, { ...opts, accumulateSteps: 1 }, 0);
      await fitFunction(p, linear, it, { ...opts, accumulateSteps: 1, resumeFrom: c2.ckpt });
    }, 'cut + resume');
    free(p);
    tf.dispose([data.x, data.y]);
  });
});

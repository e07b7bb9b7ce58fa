import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '@trainkit/core';
import { sgd } from '@trainkit/optimizers';
import { errorCode } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardLoss, smallBnCnn, smallCnn } from '../test/data-parallel-models';
import { createDataParallelTrainer, type DataParallelTrainer } from './data-parallel';
import { installFastKernels } from './install-fast-kernels';
import { expectClose, randn } from './test-helpers';

const modelsModule = new URL('../test/data-parallel-models.ts', import.meta.url);

function batch(seed: number, n: number, shape: number[]) {
  const rng = new Rng(seed);
  const x = tf.tensor(randn(rng, [n, ...shape]), [n, ...shape]);
  const labels = Array.from({ length: n }, (_, i) => (i * 7 + seed) % 3);
  return { x, y: tf.oneHot(tf.tensor1d(labels, 'int32'), 3) };
}

const weightsOf = (m: tfl.LayersModel) =>
  m.weights.map((w) => (w.read() as tf.Tensor).dataSync() as Float32Array);

function copyWeights(from: tfl.LayersModel, to: tfl.LayersModel) {
  to.setWeights(from.getWeights());
}

// The reference: one engine, the stock optimizer.minimize on a loss built from the shards.
// With `perShard`, the loss is sum_r (n_r / n) * mean loss of shard r, each shard through
// the model separately — exactly what data parallelism computes when BN sees only its shard.
function referenceStep(
  m: tfl.LayersModel,
  opt: tf.Optimizer,
  x: tf.Tensor,
  y: tf.Tensor,
  sizes: number[] | undefined,
): number {
  return tf.tidy(() => {
    const n = x.shape[0] as number;
    const f = () => {
      if (sizes === undefined) {
        return tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: true }) as tf.Tensor);
      }
      let total: tf.Tensor = tf.scalar(0);
      let off = 0;
      for (const s of sizes) {
        const out = m.apply(tf.slice(x, off, s), { training: true }) as tf.Tensor;
        const l = tf.losses.softmaxCrossEntropy(tf.slice(y, off, s), out);
        total = tf.add(total, tf.mul(l, s / n));
        off += s;
      }
      return total;
    };
    return (opt.minimize(f as () => tf.Scalar, true) as tf.Scalar).dataSync()[0] as number;
  });
}

describe('createDataParallelTrainer (worker_threads, wasm)', () => {
  beforeAll(async () => {
    installFastKernels('wasm');
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('without batch norm: the same losses and weights as one engine on the whole batch', async () => {
    const model = smallCnn();
    const reference = smallCnn();
    copyWeights(model, reference);
    const trainer = await createDataParallelTrainer({
      model,
      replica: { module: modelsModule, export: 'smallCnnReplica' },
      loss: shardLoss,
      optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
      batchSize: 8,
      replicas: 3,
    });
    const refOpt = tf.train.momentum(0.1, 0.9);
    try {
      for (let step = 0; step < 4; step++) {
        if (step === 2) {
          // Weights changed from outside between steps must reach every replica.
          const halved = model.getWeights().map((w) => tf.mul(w, 0.5));
          model.setWeights(halved);
          reference.setWeights(halved);
          tf.dispose(halved);
        }
        // 7 examples over 3 replicas: uneven shards of 3, 2 and 2.
        const { x, y } = batch(step, 7, [9, 9, 2]);
        const got = trainer.step(x, y);
        const want = referenceStep(reference, refOpt, x, y, undefined);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-6);
        tf.dispose([x, y]);
      }
      const want = weightsOf(reference);
      weightsOf(model).forEach((w, i) => {
        expectClose(w, want[i] as Float32Array, 1e-5, 1e-4, `weight ${i}`);
      });
    } finally {
      await trainer.dispose();
      model.dispose();
      reference.dispose();
    }
  });

  it('with batch norm: per-replica batch statistics, moving statistics averaged', async () => {
    const model = smallBnCnn();
    const reference = smallBnCnn();
    const full = smallBnCnn();
    copyWeights(model, reference);
    copyWeights(model, full);
    const trainer = await createDataParallelTrainer({
      model,
      replica: { module: modelsModule, export: 'smallBnCnnReplica' },
      loss: shardLoss,
      optimizer: sgd({ learningRate: 0.2 }),
      batchSize: 8,
    });
    const refOpt = tf.train.sgd(0.2);
    const fullOpt = tf.train.sgd(0.2);
    const sizes = [4, 4];
    let fullGap = 0;
    try {
      for (let step = 0; step < 3; step++) {
        const { x, y } = batch(10 + step, 8, [6, 6, 2]);
        // Expected moving statistics: each replica's update from the same start, averaged.
        const before = reference.getWeights().map((t) => tf.clone(t));
        const perShard: Float32Array[][] = [];
        let off = 0;
        for (const s of sizes) {
          reference.setWeights(before);
          tf.tidy(() => {
            reference.apply(tf.slice(x, off, s), { training: true });
          });
          perShard.push(weightsOf(reference).slice(-2));
          off += s;
        }
        reference.setWeights(before);
        tf.dispose(before);

        const got = trainer.step(x, y);
        const want = referenceStep(reference, refOpt, x, y, sizes);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-6);
        const fullLoss = referenceStep(full, fullOpt, x, y, undefined);
        fullGap = Math.max(fullGap, Math.abs(got - fullLoss) / Math.abs(fullLoss));

        // The reference's own moving statistics were updated shard after shard: replace them
        // with the expected average so that the next step starts where the trainer's does.
        const expected = [0, 1].map((k) => {
          const a = perShard[0]?.[k] as Float32Array;
          const b = perShard[1]?.[k] as Float32Array;
          return a.map((v, i) => (v + (b[i] as number)) / 2);
        });
        weightsOf(model)
          .slice(-2) // movingMean, movingVariance
          .forEach((s, k) => {
            expectClose(s, expected[k] as Float32Array, 1e-5, 1e-5, `moving statistic ${k}`);
          });
        const stats = reference.weights.slice(-2);
        stats.forEach((w, k) => {
          tf.tidy(() => {
            w.write(tf.tensor(expected[k] as Float32Array, w.shape as number[]));
          });
        });
        tf.dispose([x, y]);
      }
      // Trainable weights follow the per-shard reference.
      const want = weightsOf(reference).slice(0, -2);
      weightsOf(model)
        .slice(0, -2)
        .forEach((w, i) => {
          expectClose(w, want[i] as Float32Array, 1e-5, 1e-4, `weight ${i}`);
        });
      // Whole-batch BN differs, but only a little at these sizes (the documented caveat).
      expect(fullGap).toBeGreaterThan(0);
      expect(fullGap).toBeLessThan(0.05);
    } finally {
      await trainer.dispose();
      model.dispose();
      reference.dispose();
      full.dispose();
    }
  });

  describe('errors and memory', () => {
    let trainer: DataParallelTrainer;
    let model: tfl.LayersModel;
    beforeAll(async () => {
      model = smallCnn();
      trainer = await createDataParallelTrainer({
        model,
        replica: { module: modelsModule.pathname, export: 'smallCnnReplica' },
        loss: shardLoss,
        optimizer: sgd({ learningRate: 0.1 }),
        batchSize: 6,
      });
    });
    afterAll(async () => {
      await trainer.dispose();
      model.dispose();
    });

    it('leaks no tensors over steps', () => {
      const { x, y } = batch(3, 6, [9, 9, 2]);
      trainer.step(x, y);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) trainer.step(x, y);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y]);
    });

    it('rejects batches that do not fit, naming the argument', () => {
      const { x, y } = batch(3, 6, [9, 9, 2]);
      const small = batch(3, 1, [9, 9, 2]);
      const big = batch(3, 7, [9, 9, 2]);
      expect(errorCode(() => trainer.step(tf.zeros([6, 8, 9, 2]), y))).toBe('SHAPE');
      expect(errorCode(() => trainer.step(x, tf.zeros([6, 4])))).toBe('SHAPE');
      expect(errorCode(() => trainer.step(small.x, small.y))).toBe('RANGE');
      expect(errorCode(() => trainer.step(big.x, big.y))).toBe('RANGE');
      tf.dispose([x, y, small.x, small.y, big.x, big.y]);
    });

    it('refuses a replica export that is not a model, and steps after dispose', async () => {
      const other = smallCnn();
      await expect(
        createDataParallelTrainer({
          model: other,
          replica: { module: modelsModule, export: 'notAModel' },
          loss: shardLoss,
          optimizer: sgd({ learningRate: 0.1 }),
          batchSize: 4,
        }),
      ).rejects.toMatchObject({ code: 'CONFIG' });
      // A bare model: the worker would have no loss (losses come with the replica, as in fit).
      await expect(
        createDataParallelTrainer({
          model: other,
          replica: { module: modelsModule, export: 'smallCnn' },
          batchSize: 4,
        }),
      ).rejects.toMatchObject({ code: 'CONFIG' });
      // A named loss (the old API) or a tf.Optimizer is refused at the boundary.
      expect(
        await createDataParallelTrainer({
          model: other,
          replica: { module: modelsModule, export: 'smallCnnReplica' },
          loss: 'softmaxCrossEntropy' as never,
          batchSize: 4,
        }).catch((e) => `${e.code}:${e.argument}`),
      ).toBe('CONFIG:loss');
      expect(
        await createDataParallelTrainer({
          model: other,
          replica: { module: modelsModule, export: 'smallCnnReplica' },
          optimizer: tf.train.sgd(0.1) as never,
          batchSize: 4,
        }).catch((e) => `${e.code}:${e.argument}`),
      ).toBe('CONFIG:optimizer');
      other.dispose();
      const { x, y } = batch(3, 6, [9, 9, 2]);
      const t = await createDataParallelTrainer({
        model,
        replica: { module: modelsModule, export: 'smallCnnReplica' },
        loss: shardLoss,
        optimizer: sgd({ learningRate: 0.1 }),
        batchSize: 6,
      });
      await t.dispose();
      expect(errorCode(() => t.step(x, y))).toBe('STATE');
      tf.dispose([x, y]);
    });
  });
});

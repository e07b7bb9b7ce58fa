import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, fixture } from '../test/helpers';
import { backendRows, rowsEngine, setRowsEngine } from './centered-rows';
import { useWorkerThreads, type WorkerThreads } from './node';
import { PCA } from './pca';
import { Whiten } from './whiten';

interface Case {
  components: number[][];
  explainedVariance: number[];
}
const F = fixture<{ x: number[][]; xAuto: number[][]; cases: Record<string, Case> }>('pca.json');

/** |cos| between our component i and the reference's (sign-free agreement). */
function alignment(ours: number[][], ref: number[][]): number[] {
  return ours.map((row, i) => {
    let dot = 0;
    for (let j = 0; j < row.length; j++) dot += row[j]! * ref[i]![j]!;
    return Math.abs(dot);
  });
}

describe('useWorkerThreads (one-shot fits on two worker threads, the kernels in each)', () => {
  let workers: WorkerThreads;
  beforeAll(() => {
    workers = useWorkerThreads({ threads: 2, minValues: 0 });
  });
  afterAll(async () => {
    await workers.close();
  });

  it("randomized PCA on the data (sketch 'data') matches scikit-learn on 520 x 12", () => {
    const x = tf.tensor2d(F.xAuto);
    const pca = new PCA({ nComponents: 3, sketch: 'data' }).fit(x);
    const ref = F.cases.auto520!;
    expectClose(pca.explainedVariance, ref.explainedVariance);
    for (const c of alignment(pca.components, ref.components)) expect(c).toBeGreaterThan(1 - 1e-6);
    x.dispose();
  });

  it('fits (full solver, Whiten, randomized on the data) equal the tfjs backend engine and the single-thread kernels', async () => {
    const x = tf.tensor2d(F.xAuto);
    const fitBoth = () => ({
      ev: new PCA({ nComponents: 3, solver: 'full' }).fit(x).explainedVariance,
      w: new Whiten({ method: 'zca', epsilon: 0.1 }).fit(x).matrix,
      // The randomized solver on the data: scatterTimes of each engine.
      data: new PCA({ nComponents: 3, sketch: 'data' }).fit(x).explainedVariance,
    });
    const threaded = fitBoth();
    await workers.close();
    const inline = fitBoth();
    setRowsEngine(backendRows);
    const backend = fitBoth();
    setRowsEngine(undefined);
    for (const other of [inline, backend]) {
      expectClose(threaded.ev, other.ev, 1e-5);
      expectClose(threaded.w, other.w, 1e-4);
      expectClose(threaded.data, other.data, 1e-5);
    }
    workers = useWorkerThreads({ threads: 2, minValues: 0 });
    x.dispose();
  });

  it('transform of a large batch through the workers equals the tfjs matMul path', () => {
    const pool = rowsEngine();
    const x = tf.randomUniform([700, 400], 0, 1, 'float32', 3);
    const pca = new PCA({ nComponents: 20, whiten: true }).fit(x);
    const viaWorkers = pca.transform(x); // 280,000 values: the kernels
    setRowsEngine(backendRows); // no project(): one tfjs matMul
    const viaBackend = pca.transform(x);
    setRowsEngine(undefined);
    const viaInline = pca.transform(x); // the kernels on this thread
    // float32 products summed in different orders (400 terms each): within 1e-4.
    expectClose(viaWorkers.dataSync(), viaBackend.dataSync());
    expectClose(viaInline.dataSync(), viaBackend.dataSync());
    tf.dispose([x, viaWorkers, viaBackend, viaInline]);
    setRowsEngine(pool);
  });

  it('leaks no tensor on the calling thread', async () => {
    const x = tf.tensor2d(F.xAuto);
    await expectNoLeaks(() => {
      new PCA({ nComponents: 3, sketch: 'data' }).fit(x);
      new PCA({ nComponents: 3, sketch: 'covariance' }).fit(x);
    });
    x.dispose();
  });

  it('rejects bad options with typed errors', () => {
    expect(() => useWorkerThreads({ threads: 0 })).toThrow(/threads/);
  });
});

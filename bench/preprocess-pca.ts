/**
 * PCA(50, whiten) fit + transform, trainkit beside scikit-learn in the same run (issue 6).
 *
 *   npx tsx --conditions=@trainkit/source bench/preprocess-pca.ts      (from the repo root)
 *
 * Data: Fashion-MNIST train (60,000 x 784) and the CIFAR-10 subset train batch (10,000 x 3,072)
 * from ../shared/data, pixels / 255 as float32; scikit-learn (Debian python3-sklearn) gets the same
 * bytes. Both fit in one shot on the whole array, as scikit-learn does. trainkit runs on the tfjs
 * wasm backend with its large products on worker threads (`useWorkerThreads`, one per core; the
 * workers start before the first timed round, as numpy's BLAS threads do);
 * `PREPROCESS_BENCH_THREADS=0` keeps everything on the main thread. Rounds alternate scikit-learn
 * and trainkit (`PREPROCESS_BENCH_ROUNDS`, default 3) and the medians are compared; the exact
 * solvers run once each (`PREPROCESS_BENCH_EXACT=0` skips them: ~1.5 min on the loaded machine).
 * `PREPROCESS_BENCH_DATA=fashion` or `=cifar` runs one data set. Agreement with scikit-learn is
 * printed as the largest relative difference of the 50 explained variances.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { PCA, type PCASolver } from '@trainkit/preprocess';
import { useWorkerThreads } from '@trainkit/preprocess/node';
import { sharedDir } from '@trainkit/test-utils';

interface Dataset {
  name: string;
  n: number;
  p: number;
  x: Float32Array;
}

function fashionMnist(): Dataset | undefined {
  const dir = sharedDir('data/fashion-mnist');
  if (!dir) return undefined;
  const raw = gunzipSync(readFileSync(join(dir, 'train-images-idx3-ubyte.gz')));
  const n = raw.readUInt32BE(4);
  const p = raw.readUInt32BE(8) * raw.readUInt32BE(12);
  const x = new Float32Array(n * p);
  for (let i = 0; i < n * p; i++) x[i] = raw[16 + i]! / 255;
  return { name: 'Fashion-MNIST 60000x784', n, p, x };
}

function cifarSubset(): Dataset | undefined {
  const dir = sharedDir('data/cifar10-subset');
  if (!dir) return undefined;
  const raw = readFileSync(join(dir, 'train_batch.bin'));
  const p = 3072;
  const n = raw.length / (p + 1);
  const x = new Float32Array(n * p);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) x[i * p + j] = raw[i * (p + 1) + 1 + j]! / 255;
  return { name: 'CIFAR-10 subset 10000x3072', n, p, x };
}

interface Timed {
  seconds: number;
  fitted: string;
  explainedVariance: Float64Array;
}

function trainkit(d: Dataset, solver: PCASolver): Timed {
  const x = tf.tensor2d(d.x, [d.n, d.p]);
  const t0 = performance.now();
  const pca = new PCA({ nComponents: 50, whiten: true, solver }).fit(x);
  const batch = 10_000;
  for (let a = 0; a < d.n; a += batch) {
    const rows = Math.min(batch, d.n - a);
    // A batch tensor from the host rows (tfjs wasm's slice reads back the whole source tensor).
    const xb = tf.tensor2d(d.x.subarray(a * d.p, (a + rows) * d.p), [rows, d.p]);
    const z = pca.transform(xb);
    z.dataSync();
    tf.dispose([xb, z]);
  }
  const seconds = (performance.now() - t0) / 1000;
  x.dispose();
  return { seconds, fitted: pca.fittedSolver, explainedVariance: pca.explainedVariance };
}

const SKLEARN = `
import sys, time, json, numpy as np
from sklearn.decomposition import PCA
n, p = int(sys.argv[2]), int(sys.argv[3])
x = np.fromfile(sys.argv[1], dtype=np.float32).reshape(n, p)
t0 = time.perf_counter()
pca = PCA(n_components=50, whiten=True, svd_solver=sys.argv[4], random_state=0).fit(x)
pca.transform(x)
print(json.dumps({'seconds': time.perf_counter() - t0, 'ev': pca.explained_variance_.tolist()}))
`;

function sklearn(file: string, d: Dataset, solver: 'randomized' | 'full') {
  const r = spawnSync('/usr/bin/python3', ['-c', SKLEARN, file, String(d.n), String(d.p), solver], {
    encoding: 'utf8',
    env: { ...process.env, OMP_PROC_BIND: 'true', OMP_PLACES: 'cores' },
  });
  if (r.status !== 0) {
    console.warn(`scikit-learn run failed: ${r.stderr || r.error}`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { seconds: number; ev: number[] };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;
const fmt = (s: number) => `${s.toFixed(2)} s`;

/** Largest relative difference between two explained-variance lists. */
function agreement(ours: Float64Array, ref: number[]): string {
  let worst = 0;
  for (let i = 0; i < ref.length; i++)
    worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!) / ref[i]!);
  return worst.toExponential(1);
}

export async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const threads = process.env.PREPROCESS_BENCH_THREADS === '0' ? undefined : useWorkerThreads();
  const rounds = Number(process.env.PREPROCESS_BENCH_ROUNDS ?? 3);
  const exactEnv = process.env.PREPROCESS_BENCH_EXACT;
  console.log(
    `PCA(50, whiten) fit + transform; trainkit on tfjs ${tf.getBackend()}` +
      (threads ? ` + ${threads.threads} worker threads` : ', main thread only'),
  );
  const only = process.env.PREPROCESS_BENCH_DATA;
  const loaders = [fashionMnist, cifarSubset].filter(
    (l) => only === undefined || l.name.toLowerCase().startsWith(only.toLowerCase()),
  );
  for (const load of loaders) {
    const d = load();
    if (!d) {
      console.log(`skipped ${load.name}: ../shared/data is absent`);
      continue;
    }
    const file = join(tmpdir(), `trainkit-pca-bench-${process.pid}.f32`);
    writeFileSync(file, d.x);
    try {
      console.log(`\n${d.name}`);
      // Warm-up (worker start, wasm compile), not timed: a small fit of the same width.
      const warm = tf.randomUniform([600, d.p]);
      new PCA({ nComponents: 2, solver: 'randomized' }).fit(warm);
      warm.dispose();
      const sk: number[] = [];
      const tk: number[] = [];
      let last: Timed | undefined;
      let ref: number[] | undefined;
      for (let r = 0; r < rounds; r++) {
        const s = sklearn(file, d, 'randomized');
        if (s) {
          sk.push(s.seconds);
          ref = s.ev;
        }
        last = trainkit(d, 'auto');
        tk.push(last.seconds);
        console.log(
          `  round ${r + 1}: scikit-learn randomized ${s ? fmt(s.seconds) : 'n/a'}, trainkit auto (${last.fitted}) ${fmt(last.seconds)}` +
            (s ? `  ratio ${(last.seconds / s.seconds).toFixed(2)}x` : ''),
        );
      }
      console.log(
        `  median: scikit-learn randomized ${sk.length ? fmt(median(sk)) : 'n/a'}, trainkit ${fmt(median(tk))}` +
          (sk.length ? `  ratio ${(median(tk) / median(sk)).toFixed(2)}x` : '') +
          (ref && last
            ? `  explained variance vs scikit-learn: max rel diff ${agreement(last.explainedVariance, ref)}`
            : ''),
      );
      if (exactEnv !== '0') {
        const s = sklearn(file, d, 'full');
        const full = trainkit(d, 'full');
        console.log(
          `  exact: scikit-learn full ${s ? fmt(s.seconds) : 'n/a'}, trainkit full ${fmt(full.seconds)}` +
            (s ? `  ratio ${(full.seconds / s.seconds).toFixed(2)}x` : '') +
            (s
              ? `  explained variance max rel diff ${agreement(full.explainedVariance, s.ev)}`
              : ''),
        );
        if (s && ref && last) {
          // How far each randomized result is from the exact spectrum.
          console.log(
            `  randomized vs scikit-learn full, explained variance max rel diff: scikit-learn ${agreement(Float64Array.from(ref), s.ev)}, trainkit ${agreement(last.explainedVariance, s.ev)}`,
          );
        }
      } else {
        console.log('  exact solvers skipped (PREPROCESS_BENCH_EXACT=0)');
      }
    } finally {
      rmSync(file, { force: true });
    }
  }
  await threads?.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}

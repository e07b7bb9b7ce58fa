/**
 * PCA(50, whiten) fit + transform, trainkit beside scikit-learn in the same run (issue 6).
 *
 *   npx tsx --conditions=@trainkit/source bench/preprocess-pca.ts      (from the repo root)
 *
 * Data: Fashion-MNIST train (60,000 x 784) and the CIFAR-10 subset train batch (10,000 x 3,072)
 * from ../shared/data, pixels / 255 as float32; scikit-learn (Debian python3-sklearn) gets the same
 * bytes. trainkit runs on the tfjs wasm backend, streaming the fit in batches of 10,000 rows.
 * trainkit's exact solver runs where p <= 1,000 (a float64 JS eigendecomposition of the 3,072 x
 * 3,072 covariance takes minutes); `PREPROCESS_BENCH_EXACT=1` forces it, `=0` skips it;
 * `PREPROCESS_BENCH_DATA=fashion` or `=cifar` runs one data set.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { sharedDir } from '@trainkit/core/test';
import { PCA, type PCASolver } from '@trainkit/preprocess';

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

function trainkit(d: Dataset, solver: PCASolver): { seconds: number; fitted: string } {
  const batch = 10_000;
  const t0 = performance.now();
  const pca = new PCA({ nComponents: 50, whiten: true, solver });
  for (let a = 0; a < d.n; a += batch) {
    const rows = Math.min(batch, d.n - a);
    const xb = tf.tensor2d(d.x.subarray(a * d.p, (a + rows) * d.p), [rows, d.p]);
    pca.partialFit(xb);
    xb.dispose();
  }
  for (let a = 0; a < d.n; a += batch) {
    const rows = Math.min(batch, d.n - a);
    const xb = tf.tensor2d(d.x.subarray(a * d.p, (a + rows) * d.p), [rows, d.p]);
    const z = pca.transform(xb);
    z.dataSync();
    tf.dispose([xb, z]);
  }
  return { seconds: (performance.now() - t0) / 1000, fitted: pca.fittedSolver };
}

const SKLEARN = `
import sys, time, json, numpy as np
from sklearn.decomposition import PCA
n, p = int(sys.argv[2]), int(sys.argv[3])
x = np.fromfile(sys.argv[1], dtype=np.float32).reshape(n, p)
out = {}
for solver in ['randomized', 'full']:
    t0 = time.perf_counter()
    pca = PCA(n_components=50, whiten=True, svd_solver=solver, random_state=0).fit(x)
    pca.transform(x)
    out[solver] = time.perf_counter() - t0
print(json.dumps(out))
`;

function sklearn(d: Dataset): Record<'randomized' | 'full', number> | undefined {
  const file = join(tmpdir(), `trainkit-pca-bench-${process.pid}.f32`);
  writeFileSync(file, d.x);
  try {
    const r = spawnSync('/usr/bin/python3', ['-c', SKLEARN, file, String(d.n), String(d.p)], {
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      console.warn(`scikit-learn run failed: ${r.stderr || r.error}`);
      return undefined;
    }
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  } finally {
    rmSync(file, { force: true });
  }
}

export async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const exactEnv = process.env.PREPROCESS_BENCH_EXACT;
  console.log(`PCA(50, whiten) fit + transform; trainkit on tfjs ${tf.getBackend()}`);
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
    const sk = sklearn(d);
    const auto = trainkit(d, 'auto');
    const fmt = (s: number) => `${s.toFixed(2)} s`;
    console.log(`\n${d.name}`);
    console.log(
      `  scikit-learn randomized ${sk ? fmt(sk.randomized) : 'n/a'}, full ${sk ? fmt(sk.full) : 'n/a'}`,
    );
    console.log(
      `  trainkit auto (${auto.fitted}) ${fmt(auto.seconds)}` +
        (sk ? `  ratio vs sklearn randomized ${(auto.seconds / sk.randomized).toFixed(2)}x` : ''),
    );
    if (exactEnv === '1' || (exactEnv !== '0' && d.p <= 1000)) {
      const full = trainkit(d, 'full');
      console.log(
        `  trainkit full ${fmt(full.seconds)}` +
          (sk ? `  ratio vs sklearn full ${(full.seconds / sk.full).toFixed(2)}x` : ''),
      );
    } else {
      console.log('  trainkit full skipped (p > 1000; PREPROCESS_BENCH_EXACT=1 runs it)');
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}

/**
 * PCA and whitening of the 8x8 digits (the lecture's figure): writes preprocess-digits.png with
 * four rows — ten digits; their reconstruction from 10 principal components; the same digits
 * ZCA-whitened (epsilon 0.1: edges stand out, flat regions vanish); the top ten principal axes
 * ("eigen-digits"). Prints the explained-variance ratios.
 *
 *   npx tsx --conditions=@trainkit/source examples/preprocess-digits.ts [out.png]   (repo root)
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { useFastBackend } from '@trainkit/backend';
import { digits } from '@trainkit/data/node';
import { encodePng } from '@trainkit/monitors';
import { PCA, Whiten } from '@trainkit/preprocess';

const CELL = 8;
const ZOOM = 4;
const GAP = 2;

async function loadDigits(): Promise<{ x: Float32Array; n: number }> {
  const ds = await digits(); // the UCI digits shipped inside @trainkit/data, values 0..16
  return { x: Float32Array.from(ds.x, (v) => v / 16), n: ds.size };
}

/** Draws rows of 8x8 cells, each scaled to its own [min, max], into an RGBA image. */
function grid(rows: Float32Array[][]): { width: number; height: number; data: Uint8Array } {
  const cols = Math.max(...rows.map((r) => r.length));
  const size = CELL * ZOOM;
  const width = cols * (size + GAP) + GAP;
  const height = rows.length * (size + GAP) + GAP;
  const data = new Uint8Array(width * height * 4).fill(255);
  for (const [r, row] of rows.entries()) {
    for (const [c, cell] of row.entries()) {
      const lo = Math.min(...cell);
      const hi = Math.max(...cell);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const v = cell[Math.floor(y / ZOOM) * CELL + Math.floor(x / ZOOM)]!;
          const g = hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : 128;
          const px = ((GAP + r * (size + GAP) + y) * width + GAP + c * (size + GAP) + x) * 4;
          data.set([g, g, g, 255], px);
        }
    }
  }
  return { width, height, data };
}

export async function main(out = 'preprocess-digits.png'): Promise<void> {
  await useFastBackend(); // Node: wasm + trainkit's kernels
  const { x, n } = await loadDigits();
  const all = tf.tensor2d(x, [n, 64]);
  const pca = new PCA({ nComponents: 10 }).fit(all);
  const zca = new Whiten({ method: 'zca', epsilon: 0.1 }).fit(all);
  const first = tf.slice(all, [0, 0], [10, 64]);
  const recon = tf.tidy(() => pca.inverseTransform(pca.transform(first)));
  const white = zca.transform(first);
  const cells = (t: tf.Tensor) => {
    const v = t.dataSync() as Float32Array;
    return Array.from({ length: t.shape[0]! }, (_, i) => v.slice(i * 64, (i + 1) * 64));
  };
  const axes = pca.components.map((c) => Float32Array.from(c));
  writeFileSync(
    out,
    encodePng(grid([cells(first), cells(recon), cells(white), axes]), { deflate: deflateSync }),
  );
  const ratio = pca.explainedVarianceRatio;
  console.log(
    `digits ${n}x64: explained-variance ratio of 10 components ${[...ratio].map((r) => r.toFixed(3)).join(' ')} (sum ${ratio.reduce((a, b) => a + b, 0).toFixed(3)})`,
  );
  console.log(`wrote ${out}`);
  tf.dispose([all, first, recon, white]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main(process.argv[2]);
}

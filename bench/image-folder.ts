/**
 * Image-folder throughput: images/s decoded + resized to 224x224 RGB, trainkit's streamed
 * `imageFolder` (sharp / libvips, prefetch on libuv worker threads) beside Pillow (Debian's
 * python3-pil) in the same run on the same files (issue 20).
 *
 *   npx tsx --conditions=@trainkit/source bench/image-folder.ts      (from the repo root)
 *
 * The folder: IMAGE_BENCH_N (default 240) JPEGs of 500x375 (the typical ImageNet photo size),
 * quality 90, smooth random content, in 2 classes, written once to a temporary folder. Each side
 * reads every file, decodes it, converts to RGB and resizes to 224x224 bilinear (stretch) into
 * uint8 / float32 arrays; trainkit also makes the float32 batch tensors [32, 224, 224, 3].
 * Pillow runs single-process (what a plain loop or torchvision's DataLoader with num_workers=0
 * does) and with a 2-process pool (num_workers=2: this machine's cores). Rounds alternate
 * (IMAGE_BENCH_ROUNDS, default 3) and medians are compared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { resizeCenterCrop } from '@trainkit/data';
import { imageFolder, saveImage } from '@trainkit/data/node';

const N = Number(process.env.IMAGE_BENCH_N ?? 240);
const ROUNDS = Number(process.env.IMAGE_BENCH_ROUNDS ?? 3);
const W = 500;
const H = 375;

const PILLOW = `
import sys, time, os
from multiprocessing import Pool
import numpy as np
from PIL import Image
root, procs = sys.argv[1], int(sys.argv[2])
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith('.jpg'))
def load(p):
    with Image.open(p) as im:
        return np.asarray(im.convert('RGB').resize((224, 224), Image.BILINEAR), dtype=np.float32).shape[0]
t0 = time.perf_counter()
if procs == 1:
    n = sum(1 for p in files if load(p))
else:
    with Pool(procs) as pool:
        n = sum(1 for _ in pool.imap(load, files, chunksize=8))
print(n / (time.perf_counter() - t0))
`;

async function makeFolder(dir: string): Promise<void> {
  let s = 11;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let k = 0; k < N; k++) {
    // smooth content (sums of low-frequency waves), so JPEG sizes are photo-like (~30-60 KB)
    const data = new Uint8Array(W * H * 3);
    const f = Array.from({ length: 6 }, () => [rnd() * 0.05, rnd() * 0.05, rnd() * 6]);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < 3; c++) {
          const [a, b, p] = f[c * 2]!;
          const [a2, b2, p2] = f[c * 2 + 1]!;
          const v =
            128 + 60 * Math.sin(a! * x + b! * y + p!) + 40 * Math.cos(a2! * y - b2! * x + p2!);
          data[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, v + (rnd() - 0.5) * 16));
        }
      }
    }
    await saveImage(join(dir, k % 2 ? 'b' : 'a', `${k}.jpg`), {
      data,
      width: W,
      height: H,
      channels: 3,
    });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'trainkit-bench-images-'));
  try {
    console.log(`image folder: ${N} JPEGs ${W}x${H} q90 -> 224x224x3 (writing...)`);
    await makeFolder(dir);
    const stretch = await imageFolder(dir, { imageSize: 224 });
    const crop = await imageFolder(dir, { recipe: resizeCenterCrop({ resize: 256, crop: 224 }) });
    const haveTorchPil = existsSync('/usr/bin/python3');
    const rows: Record<string, number[]> = {
      'trainkit imageFolder (sharp), stretch 224': [],
      'trainkit imageFolder (sharp), resize 256 + centre crop 224': [],
      'Pillow, 1 process': [],
      'Pillow, 2 processes': [],
    };
    const timeFolder = async (folder: typeof stretch) => {
      const t0 = performance.now();
      let n = 0;
      for await (const b of folder.batches(32, { prefetch: 2 })) n += b.x.shape[0];
      return n / ((performance.now() - t0) / 1000);
    };
    await timeFolder(stretch); // warm-up: file cache, libvips start-up
    for (let r = 0; r < ROUNDS; r++) {
      rows['trainkit imageFolder (sharp), stretch 224']!.push(await timeFolder(stretch));
      rows['trainkit imageFolder (sharp), resize 256 + centre crop 224']!.push(
        await timeFolder(crop),
      );
      if (haveTorchPil) {
        for (const procs of [1, 2]) {
          const p = spawnSync('/usr/bin/python3', ['-c', PILLOW, dir, String(procs)], {
            encoding: 'utf8',
          });
          if (p.status !== 0) {
            console.log(
              `Pillow baseline failed (python3-pil installed?): ${p.stderr.trim().split('\n').at(-1)}`,
            );
            break;
          }
          rows[procs === 1 ? 'Pillow, 1 process' : 'Pillow, 2 processes']!.push(
            Number(p.stdout.trim()),
          );
        }
      }
    }
    const base = rows['Pillow, 1 process']!.length ? median(rows['Pillow, 1 process']!) : undefined;
    console.log(`| loader | images/s (median of ${ROUNDS}) | vs Pillow 1 process |`);
    console.log('|---|---|---|');
    for (const [name, xs] of Object.entries(rows)) {
      if (xs.length === 0) continue;
      const m = median(xs);
      console.log(`| ${name} | ${m.toFixed(0)} | ${base ? `${(m / base).toFixed(2)}x` : '-'} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

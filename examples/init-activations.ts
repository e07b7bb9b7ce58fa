/**
 * CS231n's weight-initialization experiment: a 10-layer MLP (500 units, 1000 unit-Gaussian
 * inputs) with four inits. Writes init-activations.png — one row per setting, one histogram per
 * layer (left to right) — and prints the per-layer mean/std table (also written as .md):
 *   1. tanh + small random N(0, 0.01^2): activations collapse to 0 by layer 10
 *   2. tanh + Xavier (glorotNormal; with 500 -> 500 layers fanIn = fanOut, so it equals the
 *      lecture's Var = 1 / fanIn, which is lecunNormal in general): healthy all the way
 *   3. ReLU + Xavier: the variance halves every layer
 *   4. ReLU + He (heNormal): the variance stays put
 *
 *   npx tsx --conditions=@trainkit/source examples/init-activations.ts [out.png]   (repo root)
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useFastBackend } from '@trainkit/backend';
import { Rng } from '@trainkit/core';
import {
  activationStats,
  glorotNormal,
  heNormal,
  type Initializer,
  type LayerActivationStats,
  smallRandom,
  toLayersInitializer,
} from '@trainkit/init';
import { encodePng } from '@trainkit/monitors';

const DEPTH = 10;
const WIDTH = 500;
const BATCH = 1000;
const BINS = 40;

const settings: { label: string; activation: 'tanh' | 'relu'; init: (l: number) => Initializer }[] =
  [
    {
      label: 'tanh + small random 0.01',
      activation: 'tanh',
      init: (l) => smallRandom({ std: 0.01, rng: l }),
    },
    { label: 'tanh + Xavier', activation: 'tanh', init: (l) => glorotNormal({ rng: l }) },
    { label: 'ReLU + Xavier', activation: 'relu', init: (l) => glorotNormal({ rng: l }) },
    { label: 'ReLU + He', activation: 'relu', init: (l) => heNormal({ rng: l }) },
  ];

async function run(s: (typeof settings)[number], x: tf.Tensor): Promise<LayerActivationStats[]> {
  const model = tfl.sequential();
  for (let l = 0; l < DEPTH; l++) {
    model.add(
      tfl.layers.dense({
        ...(l === 0 ? { inputShape: [WIDTH] } : {}),
        units: WIDTH,
        activation: s.activation,
        kernelInitializer: toLayersInitializer(s.init(l)),
      }),
    );
  }
  const range: [number, number] = s.activation === 'tanh' ? [-1, 1] : [0, 3];
  const stats = await activationStats(model, x, { bins: BINS, range });
  model.dispose();
  return stats;
}

// A grid of bar charts, one row per setting: RGBA pixels for encodePng.
function draw(rows: LayerActivationStats[][]): { width: number; height: number; data: Uint8Array } {
  const cw = 96;
  const ch = 64;
  const pad = 6;
  const width = DEPTH * (cw + pad) + pad;
  const height = rows.length * (ch + pad) + pad;
  const data = new Uint8Array(width * height * 4).fill(255);
  const colors = [
    [200, 60, 60],
    [60, 120, 200],
    [220, 140, 40],
    [60, 160, 90],
  ];
  rows.forEach((stats, r) => {
    stats.forEach((s, c) => {
      const x0 = pad + c * (cw + pad);
      const y0 = pad + r * (ch + pad);
      // ReLU rows: half the values sit in the zero bin; scale to the others (the spike clips).
      const peak = Math.max(...(rows[r]![0]!.min >= 0 ? s.counts.slice(1) : s.counts), 1);
      const bw = cw / BINS;
      for (let px = 0; px < cw; px++) {
        const bin = Math.min(BINS - 1, Math.floor(px / bw));
        const h = Math.min(ch - 2, Math.round((s.counts[bin]! / peak) * (ch - 2)));
        for (let py = 0; py < ch; py++) {
          const i = ((y0 + py) * width + x0 + px) * 4;
          const bar = ch - 1 - py < h;
          const [cr, cg, cb] = bar ? colors[r]! : [238, 238, 238];
          data[i] = cr!;
          data[i + 1] = cg!;
          data[i + 2] = cb!;
        }
      }
    });
  });
  return { width, height, data };
}

const out = process.argv[2] ?? 'init-activations.png';
await useFastBackend(); // Node: wasm + trainkit's training kernels
const x = tf.tensor2d(new Rng(0).normalArray(BATCH * WIDTH), [BATCH, WIDTH]);
const rows: LayerActivationStats[][] = [];
const lines = [
  `| setting | ${Array.from({ length: DEPTH }, (_, l) => `L${l + 1}`).join(' | ')} |`,
  `|---|${'---|'.repeat(DEPTH)}`,
];
for (const s of settings) {
  const stats = await run(s, x);
  rows.push(stats);
  lines.push(`| ${s.label} std | ${stats.map((t) => t.std.toExponential(2)).join(' | ')} |`);
  lines.push(`| ${s.label} mean | ${stats.map((t) => t.mean.toExponential(1)).join(' | ')} |`);
}
x.dispose();
writeFileSync(out, encodePng(draw(rows), { deflate: deflateSync }));
writeFileSync(out.replace(/\.png$/, '.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
console.log(`wrote ${out} (rows: ${settings.map((s) => s.label).join('; ')})`);

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@trainkit/core/node';
import { pixelNormalization } from '@trainkit/data';
import { encodePng, linePlot, type RgbaImage } from '@trainkit/monitors';
import { nodeDeflate } from '@trainkit/monitors/node';
import { PCA, Whiten } from '@trainkit/preprocess';
import type { Parsed } from '../args';
import { loadDataset } from '../datasets';
import { startBackend } from '../runtime';
import { UsageError } from '../usage-error';

/** Top components as a grid of images, each scaled to its own min..max. */
export function componentsImage(rows: number[][], shape: readonly number[], scale = 3): RgbaImage {
  const [h = 1, w = rows[0]?.length ?? 1, c = 1] =
    shape.length === 3 ? shape : [1, rows[0]?.length ?? 1, 1];
  const n = rows.length;
  const cols = Math.ceil(Math.sqrt(n));
  const gridRows = Math.ceil(n / cols);
  const pad = 2;
  const cellW = w * scale + pad;
  const cellH = h * scale + pad;
  const width = cols * cellW + pad;
  const height = gridRows * cellH + pad;
  const data = new Uint8Array(width * height * 4).fill(255);
  rows.forEach((comp, k) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of comp) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi - lo || 1;
    const ox = pad + (k % cols) * cellW;
    const oy = pad + Math.floor(k / cols) * cellH;
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const base = (Math.floor(y / scale) * w + Math.floor(x / scale)) * c;
        const p = ((oy + y) * width + ox + x) * 4;
        for (let ch = 0; ch < 3; ch++) {
          const v = comp[base + (c === 3 ? ch : 0)] as number;
          data[p + ch] = Math.round(((v - lo) / span) * 255);
        }
        data[p + 3] = 255;
      }
    }
  });
  return { width, height, data };
}

export async function pcaCommand(parsed: Parsed, log: (s: string) => void): Promise<number> {
  const o = parsed.options;
  await startBackend(o.backend as 'auto', log);
  const seed = o.seed as number;
  const data = await loadDataset(o.dataset as string, {
    seed,
    ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir as string }),
    ...(o.csvShape === undefined ? {} : { csvShape: o.csvShape as number[] }),
  });
  let ds = data.train;
  const limit = o.limit as number | undefined;
  if (limit !== undefined && limit < ds.size)
    ds = ds.shuffle(seed).subset(Array.from({ length: limit }, (_, i) => i));
  ds = ds.normalize(pixelNormalization({ mode: 'unit', maxValue: data.maxValue }));
  const p = ds.exampleSize;
  const requested = o.components as number;
  if (requested > 1 && !Number.isInteger(requested)) {
    throw new UsageError(
      `invalid value for --components: ${requested} (expected a whole count >= 1, or a fraction in (0, 1) of the variance)`,
    );
  }
  const k = requested >= 1 ? Math.min(Math.floor(requested), ds.size, p) : requested;
  log(`data: ${data.name}, ${ds.size} examples of [${ds.shape.join(', ')}] (${p} features)`);
  const { x, y } = ds.toTensors();
  y.dispose();
  const out =
    (o.out as string | undefined) ??
    join(
      'runs',
      `pca-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`,
    );
  mkdirSync(out, { recursive: true });
  try {
    const t0 = performance.now();
    // A fraction needs the exact solver (the randomized one does not see the whole spectrum).
    const pca = new PCA({
      nComponents: k,
      seed,
      ...(k < 1 ? { solver: 'full' as const } : {}),
    }).fit(x);
    const ratio = Array.from(pca.explainedVarianceRatio);
    if (!ratio.every(Number.isFinite)) {
      throw new UsageError(
        `the images of ${data.name} do not vary (every pixel is constant): PCA has no variance to explain`,
      );
    }
    const cumulative = cumulativeSum(ratio);
    log(
      `PCA (${pca.fittedSolver} solver): ${pca.nComponents} components explain ${((cumulative.at(-1) ?? 0) * 100).toFixed(1)}% of the variance (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    log(
      `explained variance ratio of the first ${Math.min(10, ratio.length)}: ${ratio
        .slice(0, 10)
        .map((r) => r.toFixed(4))
        .join(' ')}`,
    );
    for (const target of [0.5, 0.8, 0.9, 0.95, 0.99]) {
      const i = cumulative.findIndex((c) => c >= target);
      if (i >= 0) log(`  ${Math.round(target * 100)}% of the variance: ${i + 1} components`);
    }
    const transform: Record<string, unknown> = { pca: pca.toJSON() };
    if (o.whiten !== 'none') {
      const w = new Whiten({ method: o.whiten as 'pca' | 'zca', epsilon: o.epsilon as number }).fit(
        x,
      );
      transform.whiten = w.toJSON();
      log(`whitening: ${o.whiten} with epsilon ${o.epsilon} fitted on ${w.nSamples} examples`);
    }
    writeFileAtomic(join(out, 'transform.json'), JSON.stringify(transform));
    const plot = linePlot(
      [
        { name: 'explained variance ratio', points: ratio.map((r, i) => [i + 1, r]) },
        { name: 'cumulative', points: cumulative.map((c, i) => [i + 1, c]) },
      ],
      { width: 640, height: 360 },
    );
    writeFileAtomic(join(out, 'spectrum.png'), encodePng(plot, { deflate: nodeDeflate }));
    const top = pca.components.slice(0, 16);
    writeFileAtomic(
      join(out, 'components.png'),
      encodePng(componentsImage(top, ds.shape), { deflate: nodeDeflate }),
    );
    log(
      `saved: ${resolve(out, 'transform.json')}, spectrum.png (variance per component), components.png (top ${top.length} components)`,
    );
  } finally {
    x.dispose();
  }
  return 0;
}

/** Running sums: the cumulative explained variance. */
export function cumulativeSum(values: readonly number[]): number[] {
  let s = 0;
  return values.map((v) => (s += v));
}

// `trainkit train --normalize standardize` must fit its statistics on the training part only:
// the validation images stay unseen by the preprocessing (issue 22, item 4).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitDataset } from '@trainkit/data';
import { embeddedFashionMnist } from '@trainkit/data/node';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main';

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-normalize-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Mean and population std of `pixels / 255` over the given examples (plain loops). */
function moments(x: Uint8Array | Float32Array, pixels: number, examples: number[]) {
  let sum = 0;
  let sumSq = 0;
  for (const i of examples) {
    for (let p = 0; p < pixels; p++) {
      const v = (x[i * pixels + p] as number) / 255;
      sum += v;
      sumSq += v * v;
    }
  }
  const n = examples.length * pixels;
  const mean = sum / n;
  return { mean, std: Math.sqrt(sumSq / n - mean * mean) };
}

describe('trainkit train --normalize standardize', () => {
  it('fits the mean and std on the training part only, not on train + validation', async () => {
    const out = join(tmp, 'run');
    const seed = 5;
    const lines: string[] = [];
    const code = await main(
      [
        'train',
        '--normalize',
        'standardize',
        '--limit',
        '120',
        '--test-limit',
        '20',
        '--validation',
        '0.5',
        '--epochs',
        '1',
        '--batch-size',
        '60',
        '--seed',
        String(seed),
        '--out',
        out,
      ],
      { log: (s) => lines.push(s), error: (s) => lines.push(s) },
    );
    expect(code, lines.join('\n')).toBe(0);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    const fitted = config.resolved.normalization as { mean: number[]; std: number[] };

    // The same examples the command takes: a seeded shuffle, the first 120, a stratified split.
    const full = (await embeddedFashionMnist()).train;
    const raw = full.shuffle(seed).subset(Array.from({ length: 120 }, (_, i) => i));
    const { train } = splitDataset(raw, { validation: 0.5, stratify: true, rng: seed });
    expect(train.size).toBe(config.resolved.sizes.train);
    const pixels = 28 * 28;
    const every = (n: number) => Array.from({ length: n }, (_, i) => i);
    const onTrain = moments(train.x as Uint8Array, pixels, every(train.size));
    const onAll = moments(raw.x as Uint8Array, pixels, every(raw.size));
    // The two candidates differ clearly, so the check below tells them apart.
    expect(Math.abs(onTrain.mean - onAll.mean)).toBeGreaterThan(1e-3);
    expect(fitted.mean[0]).toBeCloseTo(onTrain.mean, 6);
    expect(fitted.std[0]).toBeCloseTo(onTrain.std, 6);
  });
});

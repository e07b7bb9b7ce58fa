import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { loadModelFromPath } from './file-handler-node';
import { reinitialize } from './reinitialize';

const FIXTURE = fileURLToPath(new URL('../fixtures/fashion04-cnn', import.meta.url));

describe('reinitialize', () => {
  it('keeps the architecture, draws fresh seeded weights, and leaves the source alone', async () => {
    const source = await loadModelFromPath(FIXTURE);
    const before = source.getWeights().map((w) => w.dataSync().slice());
    const a = await reinitialize(source, { seed: 3 });
    const b = await reinitialize(source, { seed: 3 });
    const c = await reinitialize(source, { seed: 4 });
    expect(a.layers.map((l) => l.getClassName())).toEqual(
      source.layers.map((l) => l.getClassName()),
    );
    expect(a.countParams()).toBe(source.countParams());
    const wa = a.getWeights();
    const wb = b.getWeights();
    const wc = c.getWeights();
    const ws = source.getWeights();
    for (let i = 0; i < wa.length; i++) {
      expect(wa[i]!.shape).toEqual(ws[i]!.shape);
      expect(Array.from(wa[i]!.dataSync())).toEqual(Array.from(wb[i]!.dataSync()));
      expect(Array.from(ws[i]!.dataSync())).toEqual(Array.from(before[i]!));
    }
    // the first kernel: the fixture's He-normal (VarianceScaling scale 2, fan_in), a normal
    // truncated at 2 sigma with sigma = sqrt(2 / fan_in) (Keras may rescale sigma by 1/0.8796)
    const k = wa[0]!;
    const [kh, kw, cin] = k.shape as number[];
    const sigma = Math.sqrt(2 / (kh! * kw! * cin!));
    const v = Array.from(k.dataSync());
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual((2 * sigma) / 0.8796);
    const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    // truncation leaves 0.88 sigma (or sigma with the rescaling); 144 draws: within ~15%
    expect(std / sigma).toBeGreaterThan(0.7);
    expect(std / sigma).toBeLessThan(1.2);
    expect(Array.from(wc[0]!.dataSync())).not.toEqual(v);
    expect(Array.from(ws[0]!.dataSync())).not.toEqual(v);
    for (const m of [a, b, c]) m.dispose();
    await expectNoLeaks(async () => (await reinitialize(source, { seed: 1 })).dispose());
    source.dispose();
  });

  it('refuses what is not a layers model', async () => {
    await expect(reinitialize({} as tfl.LayersModel)).rejects.toThrow(
      /model: a tfjs-layers model is needed/,
    );
    expect(tf).toBeDefined();
  });
});

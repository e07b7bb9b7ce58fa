import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import type { Initializer } from './initializer';
import {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
} from './presets';
import { initializerFromJSON } from './registry';
import { sampleStats } from './test-utils';
import { TRUNCATED_NORMAL_STD, varianceScaling } from './variance-scaling';

function stats(init: Initializer, shape: number[]) {
  const w = init(shape);
  const s = sampleStats(w);
  w.dispose();
  return s;
}

// Sample variance of N >= 60k draws has relative std sqrt(2/N) < 0.6%: 2% is > 3 sigma.
const within2pc = (got: number, want: number) =>
  expect(Math.abs(got / want - 1)).toBeLessThan(0.02);

describe('varianceScaling', () => {
  it('matches the truncated normal std correction of N(0,1) cut at +-2', () => {
    // Var of N(0,1) truncated to [-a, a] = 1 - 2 a phi(a) / (Phi(a) - Phi(-a)); a = 2.
    const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    const mass = 0.9544997361036416; // Phi(2) - Phi(-2)
    expect(TRUNCATED_NORMAL_STD).toBeCloseTo(Math.sqrt(1 - (4 * phi2) / mass), 12);
  });

  for (const distribution of ['truncatedNormal', 'normal', 'uniform'] as const) {
    for (const mode of ['fanIn', 'fanOut', 'fanAvg'] as const) {
      it(`${distribution}/${mode}: sample variance within 2% of scale / n`, () => {
        const shape = [240, 300];
        const n = mode === 'fanIn' ? 240 : mode === 'fanOut' ? 300 : 270;
        const s = stats(varianceScaling({ scale: 3, mode, distribution, rng: 1 }), shape);
        within2pc(s.variance, 3 / n);
        expect(Math.abs(s.mean)).toBeLessThan(4 * Math.sqrt(3 / n / 72000));
      });
    }
  }

  it('bounds each distribution as documented', () => {
    const n = 200;
    const trunc = stats(varianceScaling({ distribution: 'truncatedNormal', rng: 2 }), [n, 300]);
    expect(trunc.maxAbs).toBeLessThanOrEqual((2 * Math.sqrt(1 / n)) / TRUNCATED_NORMAL_STD + 1e-6);
    const uni = stats(varianceScaling({ distribution: 'uniform', rng: 2 }), [n, 300]);
    expect(uni.maxAbs).toBeLessThanOrEqual(Math.sqrt(3 / n));
    expect(uni.maxAbs).toBeGreaterThan(0.99 * Math.sqrt(3 / n));
    // Untruncated: 60k draws give ~0.006% beyond 4 std, surely some beyond 2.5 std.
    const normal = stats(varianceScaling({ distribution: 'normal', rng: 2 }), [n, 300]);
    expect(normal.maxAbs).toBeGreaterThan((2.5 * Math.sqrt(1 / n)) / TRUNCATED_NORMAL_STD);
  });

  it('gives the same weights for the same seed, different for another', () => {
    const a = varianceScaling({ rng: 7 })([4, 5]);
    const b = varianceScaling({ rng: 7 })([4, 5]);
    const c = varianceScaling({ rng: new Rng(8) })([4, 5]);
    expect(a.dataSync()).toEqual(b.dataSync());
    expect(a.dataSync()).not.toEqual(c.dataSync());
    tf.dispose([a, b, c]);
  });

  it('round-trips through JSON and replays the same draws', () => {
    const init = varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'uniform', rng: 3 });
    const json = JSON.parse(JSON.stringify(init.toJSON()));
    expect(json).toMatchObject({ kind: 'init.varianceScaling', version: 1, scale: 2 });
    const again = initializerFromJSON(json);
    const a = init([6, 7]);
    const b = again([6, 7]);
    expect(b.dataSync()).toEqual(a.dataSync());
    expect(again.toJSON()).toMatchObject({ mode: 'fanOut', distribution: 'uniform' });
    tf.dispose([a, b]);
  });

  it('rejects bad options and shapes with typed errors', () => {
    expect(() => varianceScaling({ scale: 0 })).toThrow(
      expect.objectContaining({ code: 'RANGE', argument: 'scale' }),
    );
    expect(() => varianceScaling({ scale: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'NAN' }),
    );
    expect(() => varianceScaling({ mode: 'fan_in' as 'fanIn' })).toThrow(
      expect.objectContaining({ code: 'CONFIG', argument: 'mode' }),
    );
    expect(() => varianceScaling({ distribution: 'cauchy' as 'normal' })).toThrow(/distribution/);
    expect(() => varianceScaling({ rng: 'x' as unknown as number })).toThrow(
      expect.objectContaining({ argument: 'rng' }),
    );
    expect(() => varianceScaling()([3, -1])).toThrow(/shape\[1\]/);
    expect(() => varianceScaling()([3, 3], 'int32' as 'float32')).toThrow(
      expect.objectContaining({ argument: 'dtype' }),
    );
    expect(() => initializerFromJSON({ kind: 'init.nope', version: 1 })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });

  it('leaks no tensors', async () => {
    await expectNoLeaks(() => {
      varianceScaling({ rng: 1 })([3, 3, 2, 4]).dispose();
    });
  });
});

describe('presets', () => {
  const conv = [3, 3, 64, 128]; // fanIn 576, fanOut 1152
  it('glorotNormal / glorotUniform: Var = 2 / (fanIn + fanOut)', () => {
    within2pc(stats(glorotNormal({ rng: 1 }), conv).variance, 2 / (576 + 1152));
    within2pc(stats(glorotNormal({ rng: 1, distribution: 'normal' }), conv).variance, 2 / 1728);
    const u = stats(glorotUniform({ rng: 1 }), conv);
    within2pc(u.variance, 2 / 1728);
    expect(u.maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 1728));
  });
  it('heNormal / heUniform: Var = 2 / fanIn', () => {
    within2pc(stats(heNormal({ rng: 2 }), conv).variance, 2 / 576);
    within2pc(stats(heNormal({ rng: 2, distribution: 'normal' }), conv).variance, 2 / 576);
    const u = stats(heUniform({ rng: 2 }), conv);
    within2pc(u.variance, 2 / 576);
    expect(u.maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 576));
  });
  it('lecunNormal / lecunUniform: Var = 1 / fanIn', () => {
    within2pc(stats(lecunNormal({ rng: 3 }), conv).variance, 1 / 576);
    const u = stats(lecunUniform({ rng: 3 }), conv);
    within2pc(u.variance, 1 / 576);
    expect(u.maxAbs).toBeLessThanOrEqual(Math.sqrt(3 / 576));
  });
  it('serialize as variance scaling', () => {
    expect(heNormal({ rng: 0 }).toJSON()).toMatchObject({
      kind: 'init.varianceScaling',
      scale: 2,
      mode: 'fanIn',
      distribution: 'truncatedNormal',
    });
    expect(glorotUniform().toJSON()).toMatchObject({
      scale: 1,
      mode: 'fanAvg',
      distribution: 'uniform',
    });
  });
  it('leak nothing', async () => {
    for (const make of [
      glorotNormal,
      glorotUniform,
      heNormal,
      heUniform,
      lecunNormal,
      lecunUniform,
    ]) {
      await expectNoLeaks(() => {
        make({ rng: 1 })([4, 4]).dispose();
      }, make.name);
    }
  });
});

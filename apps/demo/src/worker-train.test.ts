import type { Schedule } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { learningRate } from './worker-train';

const at = (lr: ReturnType<typeof learningRate>, step: number) =>
  typeof lr === 'number' ? lr : (lr as Schedule)(step);

describe('learningRate (the page schedule names -> @trainkit/optimizers schedules)', () => {
  const total = 90;
  it('constant is the number itself', () => {
    expect(learningRate({ schedule: 'constant', learningRate: 0.1 }, total)).toBe(0.1);
  });
  it('step decays x0.1 every third of the run', () => {
    const lr = learningRate({ schedule: 'step', learningRate: 0.1 }, total);
    expect(at(lr, 29)).toBeCloseTo(0.1, 12);
    expect(at(lr, 30)).toBeCloseTo(0.01, 12);
    expect(at(lr, 60)).toBeCloseTo(0.001, 12);
  });
  it('cosine goes from the rate to 0 over the run, half-way at the middle', () => {
    const lr = learningRate({ schedule: 'cosine', learningRate: 0.1 }, total);
    expect(at(lr, 0)).toBeCloseTo(0.1, 12);
    expect(at(lr, 45)).toBeCloseTo(0.05, 12); // 0.1 * (1 + cos(pi / 2)) / 2
    expect(at(lr, 90)).toBeCloseTo(0, 12);
  });
  it('warmup + cosine ramps up over the first tenth', () => {
    const lr = learningRate({ schedule: 'warmup-cosine', learningRate: 0.1 }, total);
    expect(at(lr, 0)).toBeLessThan(at(lr, 4));
    expect(at(lr, 4)).toBeLessThan(at(lr, 9));
    expect(at(lr, 9)).toBeLessThanOrEqual(0.1 + 1e-12);
  });
  it('one-cycle peaks at the rate', () => {
    const lr = learningRate({ schedule: 'one-cycle', learningRate: 0.1 }, total);
    const values = Array.from({ length: total }, (_, t) => at(lr, t));
    expect(Math.max(...values)).toBeCloseTo(0.1, 6);
    expect(values[0]!).toBeLessThan(0.1 / 5);
  });
});

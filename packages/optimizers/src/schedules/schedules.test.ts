import { isTrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import fixture from '../../fixtures/torch-optimizers.json';
import { scheduleFromJSON } from '../registry';
import { constant } from './constant';
import { cosineDecay } from './cosine-decay';
import { exponentialDecay } from './exponential-decay';
import { inverseTimeDecay } from './inverse-time-decay';
import { linearWarmup } from './linear-warmup';
import { oneCycle } from './one-cycle';
import { piecewiseConstant } from './piecewise-constant';
import { polynomialDecay } from './polynomial-decay';
import { reduceOnPlateau } from './reduce-on-plateau';
import { stepDecay } from './step-decay';

const S = fixture.schedules;
function expectValues(f: (t: number) => number, want: number[], rel = 1e-9): void {
  want.forEach((w, t) => {
    const err = Math.abs(f(t) - w) / Math.max(Math.abs(w), 1e-12);
    if (err > rel) throw new Error(`step ${t}: ${f(t)} vs ${w}`);
  });
}
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isTrainkitError(e) ? `${e.code}:${e.argument}` : String(e);
  }
  return undefined;
}

describe('schedules against torch.optim.lr_scheduler', () => {
  it('stepDecay equals StepLR', () => expectValues(stepDecay(S.stepLR.options), S.stepLR.values));
  it('exponentialDecay equals ExponentialLR', () =>
    expectValues(exponentialDecay(S.exponentialLR.options), S.exponentialLR.values));
  it('cosineDecay equals CosineAnnealingLR over its period', () =>
    expectValues(cosineDecay(S.cosineAnnealingLR.options), S.cosineAnnealingLR.values, 1e-7));
  it('cosineDecay with restarts equals CosineAnnealingWarmRestarts (T_mult 2)', () =>
    expectValues(cosineDecay(S.cosineWarmRestarts.options), S.cosineWarmRestarts.values, 1e-7));
  it('oneCycle equals OneCycleLR (cos, two phases)', () =>
    expectValues(oneCycle(S.oneCycleLR.options), S.oneCycleLR.values, 1e-9));
  it('reduceOnPlateau follows ReduceLROnPlateau on a fixed metric sequence', () => {
    const r = reduceOnPlateau(S.reduceLROnPlateau.options as never);
    const got = S.reduceLROnPlateau.metrics.map((m) => {
      const v = r.value;
      r.observe(m);
      return v;
    });
    expect(got).toEqual(S.reduceLROnPlateau.values);
  });
});

describe('schedules against closed forms', () => {
  it('constant is constant', () =>
    expect([0, 5, 1e6].map(constant({ value: 0.3 }))).toEqual([0.3, 0.3, 0.3]));
  it('piecewiseConstant changes at each boundary', () => {
    const f = piecewiseConstant({ boundaries: [3, 6], values: [1, 0.5, 0.25] });
    expect([0, 2, 3, 5, 6, 100].map(f)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });
  it('exponentialDecay with staircase decays in whole periods', () => {
    const f = exponentialDecay({
      initialValue: 1,
      decayRate: 0.5,
      decaySteps: 10,
      staircase: true,
    });
    expect([0, 9, 10, 25].map(f)).toEqual([1, 1, 0.5, 0.25]);
    const g = exponentialDecay({ initialValue: 1, decayRate: 0.5, decaySteps: 10 });
    expect(g(5)).toBeCloseTo(Math.SQRT1_2, 12);
  });
  it('inverseTimeDecay is 1/t annealing', () => {
    const f = inverseTimeDecay({ initialValue: 0.1, decayRate: 1 });
    expect([0, 1, 9].map(f)).toEqual([0.1, 0.05, 0.01]);
    const g = inverseTimeDecay({ initialValue: 1, decayRate: 1, decaySteps: 4, staircase: true });
    expect([3, 4, 8].map(g)).toEqual([1, 0.5, 1 / 3]);
  });
  it('polynomialDecay reaches endValue and stays', () => {
    const f = polynomialDecay({ initialValue: 1, endValue: 0.1, decaySteps: 10, power: 2 });
    expect(f(0)).toBe(1);
    expect(f(5)).toBeCloseTo(0.9 * 0.25 + 0.1, 12);
    expect(f(10)).toBeCloseTo(0.1, 12);
    expect(f(50)).toBeCloseTo(0.1, 12);
  });
  it('cosineDecay holds minValue after decaySteps (no restarts)', () => {
    const f = cosineDecay({ initialValue: 1, decaySteps: 4, minValue: 0.2 });
    expect(f(2)).toBeCloseTo(0.6, 12);
    expect(f(4)).toBeCloseTo(0.2, 12);
    expect(f(9)).toBeCloseTo(0.2, 12);
  });
  it('linearWarmup ramps to the schedule start then follows it shifted', () => {
    const f = linearWarmup(stepDecay({ initialValue: 1, stepSize: 2, gamma: 0.5 }), {
      warmupSteps: 4,
      initialValue: 0,
    });
    expect([0, 1, 2, 3, 4, 5, 6].map(f)).toEqual([0, 0.25, 0.5, 0.75, 1, 1, 0.5]);
  });
  it('reduceOnPlateau in max mode reduces when accuracy stalls, never below minLr', () => {
    const r = reduceOnPlateau({
      initialValue: 1,
      mode: 'max',
      factor: 0.1,
      patience: 0,
      minLr: 0.05,
    });
    expect(r.observe(0.5)).toBe(1);
    expect(r.observe(0.6)).toBe(1);
    expect(r.observe(0.6)).toBeCloseTo(0.1, 12);
    expect(r.observe(0.6)).toBe(0.05);
    expect(r(123)).toBe(0.05);
  });
});

describe('schedule serialization', () => {
  const all = [
    constant({ value: 0.1 }),
    stepDecay({ initialValue: 0.1, stepSize: 3, gamma: 0.5 }),
    piecewiseConstant({ boundaries: [3, 6], values: [1, 0.5, 0.25] }),
    exponentialDecay({ initialValue: 0.1, decayRate: 0.9, decaySteps: 3, staircase: true }),
    inverseTimeDecay({ initialValue: 0.1, decayRate: 0.5 }),
    polynomialDecay({ initialValue: 0.1, decaySteps: 10, power: 2 }),
    cosineDecay({ initialValue: 0.1, decaySteps: 4, restarts: true, periodMultiplier: 2 }),
    linearWarmup(cosineDecay({ initialValue: 0.1, decaySteps: 10 }), { warmupSteps: 3 }),
    oneCycle({ maxValue: 0.1, totalSteps: 20 }),
  ];
  for (const s of all) {
    it(`${s.toJSON().kind} round-trips through JSON with the same values`, () => {
      const again = scheduleFromJSON(JSON.parse(JSON.stringify(s.toJSON())));
      for (let t = 0; t < 30; t++) expect(again(t)).toBe(s(t));
      expect(again.toJSON?.()).toEqual(s.toJSON());
    });
  }
  it('reduceOnPlateau serializes its counters so a restored one continues exactly', () => {
    const r = reduceOnPlateau({ initialValue: 1, factor: 0.5, patience: 1 });
    for (const m of [1, 1, 1, 0.9]) r.observe(m);
    const again = scheduleFromJSON(JSON.parse(JSON.stringify(r.toJSON()))) as typeof r;
    for (const m of [0.95, 0.95, 0.95, 0.5, 0.6, 0.6]) expect(again.observe(m)).toBe(r.observe(m));
    const fresh = scheduleFromJSON(reduceOnPlateau({ initialValue: 1 }).toJSON()) as typeof r;
    expect(fresh.observe(5)).toBe(1);
  });
});

describe('schedule validation', () => {
  it('rejects bad options with typed errors naming the argument', () => {
    expect(codeOf(() => stepDecay({ initialValue: 0.1, stepSize: 0 }))).toBe('RANGE:stepSize');
    expect(codeOf(() => exponentialDecay({ initialValue: 0.1, decayRate: 0 }))).toBe(
      'RANGE:decayRate',
    );
    expect(codeOf(() => inverseTimeDecay({ initialValue: 0.1, decayRate: -1 }))).toBe(
      'RANGE:decayRate',
    );
    expect(codeOf(() => polynomialDecay({ initialValue: 1, decaySteps: 1.5 }))).toBe(
      'RANGE:decaySteps',
    );
    expect(
      codeOf(() => cosineDecay({ initialValue: 1, decaySteps: 5, periodMultiplier: 0.5 })),
    ).toBe('RANGE:periodMultiplier');
    expect(codeOf(() => oneCycle({ maxValue: 1, totalSteps: 10, pctStart: 1 }))).toBe(
      'RANGE:pctStart',
    );
    expect(codeOf(() => piecewiseConstant({ boundaries: [1, 2], values: [1, 2] }))).toBe(
      'CONFIG:values',
    );
    expect(codeOf(() => piecewiseConstant({ boundaries: [2, 1], values: [1, 2, 3] }))).toBe(
      'RANGE:boundaries[1]',
    );
    expect(codeOf(() => constant({ value: Number.NaN }))).toBe('NAN:value');
    expect(codeOf(() => linearWarmup(5 as never, { warmupSteps: 1 }))).toBe('CONFIG:schedule');
    expect(codeOf(() => linearWarmup(constant({ value: 1 }), { warmupSteps: -1 }))).toBe(
      'RANGE:warmupSteps',
    );
    expect(codeOf(() => reduceOnPlateau({ initialValue: 1, factor: 1 }))).toBe('RANGE:factor');
    expect(codeOf(() => reduceOnPlateau({ initialValue: 1, mode: 'up' as never }))).toBe(
      'CONFIG:mode',
    );
    expect(codeOf(() => reduceOnPlateau({ initialValue: 1 }).observe(Number.NaN))).toBe(
      'NAN:metric',
    );
  });
  it('refuses to serialize a warm-up around a plain function', () => {
    const w = linearWarmup((t: number) => 1 / (t + 1), { warmupSteps: 2 });
    expect(codeOf(() => w.toJSON())).toBe('CONFIG:schedule');
  });
});

import { isTrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import fixture from '../../fixtures/swalr.json';
import { scheduleFromJSON } from '../registry';
import { constant } from './constant';
import { cosineDecay } from './cosine-decay';
import { swaSchedule } from './swa-schedule';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isTrainkitError(e) ? `${e.code}:${e.argument}` : String(e);
  }
  return undefined;
}

describe('swaSchedule', () => {
  // PyTorch's loop steps SWALR once per epoch: read the schedule at the epoch index.
  for (const run of fixture.runs) {
    it(`gives PyTorch SWALR's rates (${run.base} base, ${run.annealStrategy}, anneal ${run.annealEpochs})`, () => {
      const base =
        run.base === 'cosine'
          ? cosineDecay({ initialValue: fixture.baseLearningRate, decaySteps: fixture.epochs })
          : fixture.baseLearningRate;
      const s = swaSchedule({
        schedule: base,
        start: fixture.swaStartEpoch,
        swaLearningRate: run.swaLearningRate,
        annealSteps: run.annealEpochs,
        annealStrategy: run.annealStrategy as 'cos' | 'linear',
      });
      run.lrs.forEach((want, epoch) => {
        expect(s(epoch)).toBeCloseTo(want, 12);
      });
    });
  }

  it('anneals by the closed form from the base value at start, then holds the SWA rate', () => {
    // start 10, lr0 = 0.5, swa 0.1, 4 steps: a(t) = (1 - cos(pi t)) / 2 at t = 0, 1/4, 1/2, 3/4, 1
    const s = swaSchedule({
      schedule: constant({ value: 0.5 }),
      start: 10,
      swaLearningRate: 0.1,
      annealSteps: 4,
    });
    expect(s(9)).toBe(0.5);
    expect(s(10)).toBeCloseTo(0.5, 15);
    expect(s(11)).toBeCloseTo(0.1 * 0.1464466094067262 + 0.5 * 0.8535533905932737, 14);
    expect(s(12)).toBeCloseTo(0.3, 14); // half-way, a = 1/2
    expect(s(14)).toBeCloseTo(0.1, 14);
    expect(s(1000)).toBeCloseTo(0.1, 14);
    const lin = swaSchedule({
      schedule: 0.5,
      start: 0,
      swaLearningRate: 0.1,
      annealSteps: 4,
      annealStrategy: 'linear',
    });
    expect([0, 1, 2, 3, 4, 5].map(lin).map((v) => Number(v.toFixed(12)))).toEqual([
      0.5, 0.4, 0.3, 0.2, 0.1, 0.1,
    ]);
  });

  it('round-trips through JSON, the wrapped schedule included', () => {
    const s = swaSchedule({
      schedule: cosineDecay({ initialValue: 0.1, decaySteps: 50 }),
      start: 30,
      swaLearningRate: 0.02,
      annealSteps: 5,
    });
    const again = scheduleFromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    for (const t of [0, 17, 30, 32, 35, 99]) expect(again(t)).toBe(s(t));
    expect(again.toJSON?.()).toEqual(s.toJSON());
  });

  it('rejects bad options with typed errors naming them', () => {
    const ok = { schedule: 0.1, start: 5, swaLearningRate: 0.01 };
    expect(codeOf(() => swaSchedule({ ...ok, swaLearningRate: 0 }))).toBe('RANGE:swaLearningRate');
    expect(codeOf(() => swaSchedule({ ...ok, start: -1 }))).toBe('RANGE:start');
    expect(codeOf(() => swaSchedule({ ...ok, start: 1.5 }))).toBe('RANGE:start');
    expect(codeOf(() => swaSchedule({ ...ok, annealSteps: -2 }))).toBe('RANGE:annealSteps');
    expect(codeOf(() => swaSchedule({ ...ok, annealStrategy: 'exp' as never }))).toBe(
      'CONFIG:annealStrategy',
    );
    expect(codeOf(() => swaSchedule({ ...ok, schedule: 'x' as never }))).toMatch(/:schedule$/);
    expect(codeOf(() => swaSchedule(undefined as never))).toMatch(/:schedule$/);
    const anon = swaSchedule({ ...ok, schedule: () => 0.1 });
    expect(codeOf(() => anon.toJSON())).toBe('CONFIG:schedule');
  });
});

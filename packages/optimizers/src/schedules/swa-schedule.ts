import {
  assertNumber,
  assertOneOf,
  ConfigError,
  type HyperParam,
  resolveHyper,
  type Schedule,
  type Serialized,
} from '@trainkit/core';
import { hyperToJSON } from '../hyper';
import { makeSchedule } from './make-schedule';

export interface SwaScheduleOptions {
  /** The learning rate before `start`: a number or a schedule (`cosineDecay(...)`). */
  schedule: HyperParam;
  /** First step of the SWA phase (integer >= 0): the annealing starts from `schedule(start)`. */
  start: number;
  /** The constant SWA learning rate reached after the annealing (PyTorch's `swa_lr`), > 0. */
  swaLearningRate: number;
  /** Steps of annealing from `schedule(start)` to `swaLearningRate`, integer >= 0. Default 10. */
  annealSteps?: number;
  /** `'cos'` (default) or `'linear'` annealing, as PyTorch's `anneal_strategy`. */
  annealStrategy?: 'cos' | 'linear';
}

/**
 * The learning-rate schedule of stochastic weight averaging (PyTorch `SWALR`): `schedule(step)`
 * until `start`, then, with `k = step - start` and `t = min(1, k / annealSteps)` (`t = 1` when
 * `annealSteps = 0`), `swa * a(t) + lr0 * (1 - a(t))` where `lr0 = schedule(start)` and
 * `a(t) = (1 - cos(pi t)) / 2` (`'cos'`) or `t` (`'linear'`): a smooth descent to the constant
 * SWA rate, held while the weights are averaged. Izmailov et al. 2018, sec. 3.2.
 *
 * Steps count optimizer updates, so under `fit` the descent is per step. PyTorch steps `SWALR`
 * once per epoch; read at the epoch index (with `start` and `annealSteps` counted in epochs) this
 * schedule gives PyTorch's rates exactly.
 *
 * @example
 * // 3 epochs of 469 steps at cosine-decayed rates, then anneal to 0.01 over one epoch and hold
 * const lr = swaSchedule({
 *   schedule: cosineDecay({ initialValue: 0.05, decaySteps: 3 * 469, minValue: 0.01 }),
 *   start: 3 * 469, swaLearningRate: 0.01, annealSteps: 469,
 * });
 */
export function swaSchedule(options: SwaScheduleOptions): Schedule & { toJSON(): Serialized } {
  const base = options?.schedule;
  if (typeof base !== 'function') assertNumber('schedule', base);
  const start = assertNumber('start', options.start, { min: 0, integer: true });
  const swa = assertNumber('swaLearningRate', options.swaLearningRate, {
    min: 0,
    exclusiveMin: true,
  });
  const annealSteps = assertNumber('annealSteps', options.annealSteps ?? 10, {
    min: 0,
    integer: true,
  });
  const annealStrategy = assertOneOf('annealStrategy', options.annealStrategy ?? 'cos', [
    'cos',
    'linear',
  ] as const);
  const anneal =
    annealStrategy === 'cos' ? (t: number) => (1 - Math.cos(Math.PI * t)) / 2 : (t: number) => t;
  const lr0 = resolveHyper(base, start);
  return makeSchedule(
    'schedules.swa',
    (step) => {
      if (step < start) return resolveHyper(base, step);
      const t = annealSteps === 0 ? 1 : Math.min(1, (step - start) / annealSteps);
      const a = anneal(t);
      return swa * a + lr0 * (1 - a);
    },
    {
      get schedule() {
        if (typeof base === 'function' && typeof base.toJSON !== 'function') {
          throw new ConfigError('the wrapped schedule cannot be serialized', {
            argument: 'schedule',
            expected: 'a number or a trainkit schedule with toJSON()',
            received: base,
          });
        }
        return hyperToJSON('schedule', base);
      },
      start,
      swaLearningRate: swa,
      annealSteps,
      annealStrategy,
    },
  );
}

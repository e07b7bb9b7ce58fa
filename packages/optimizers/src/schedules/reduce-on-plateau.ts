import { assertNumber, assertOneOf, type Serialized } from '@trainkit/core';

export interface ReduceOnPlateauOptions {
  /** The value before any reduction (the base learning rate). */
  initialValue: number;
  /** Multiplier on a plateau, in [0, 1). Default 0.1. */
  factor?: number;
  /** Observations without improvement tolerated before reducing (integer >= 0). Default 10. */
  patience?: number;
  /** Relative improvement needed to count as better, >= 0. Default 1e-4. */
  threshold?: number;
  /** `'min'`: lower metric is better (losses); `'max'`: higher (accuracy). Default `'min'`. */
  mode?: 'min' | 'max';
  /** Observations to wait after a reduction before counting again (integer >= 0). Default 0. */
  cooldown?: number;
  /** Lower bound on the value, >= 0. Default 0. */
  minLr?: number;
}

interface PlateauState {
  value: number;
  best: number;
  badCount: number;
  cooldownCounter: number;
}

/** A learning rate driven by a monitored metric; usable as a `Schedule` (ignores the step). */
export interface ReduceOnPlateau {
  (step: number): number;
  /** The current value. */
  readonly value: number;
  /** Feeds one observation of the metric (e.g. each epoch's `val_loss`); returns the new value. */
  observe(metric: number): number;
  /** Options and the counters, so a resumed run continues exactly. */
  toJSON(): Serialized;
}

/**
 * Reduces the value by `factor` when the metric has not improved (relative `threshold`) for
 * more than `patience` observations, as PyTorch `ReduceLROnPlateau` (`threshold_mode='rel'`).
 * @example
 * const lr = reduceOnPlateau({ initialValue: 0.1, factor: 0.5, patience: 2 });
 * const opt = sgd({ learningRate: lr }); // each epoch: lr.observe(valLoss)
 */
export function reduceOnPlateau(
  options: ReduceOnPlateauOptions,
  state?: Partial<PlateauState>,
): ReduceOnPlateau {
  const initialValue = assertNumber('initialValue', options?.initialValue, { min: 0 });
  const factor = assertNumber('factor', options.factor ?? 0.1, {
    min: 0,
    max: 1,
    exclusiveMax: true,
  });
  const patience = assertNumber('patience', options.patience ?? 10, { min: 0, integer: true });
  const threshold = assertNumber('threshold', options.threshold ?? 1e-4, { min: 0 });
  const mode = assertOneOf('mode', options.mode ?? 'min', ['min', 'max'] as const);
  const cooldown = assertNumber('cooldown', options.cooldown ?? 0, { min: 0, integer: true });
  const minLr = assertNumber('minLr', options.minLr ?? 0, { min: 0 });
  const s: PlateauState = {
    value: state?.value ?? initialValue,
    best: state?.best ?? (mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY),
    badCount: state?.badCount ?? 0,
    cooldownCounter: state?.cooldownCounter ?? 0,
  };
  const better = (a: number) =>
    mode === 'min' ? a < s.best * (1 - threshold) : a > s.best * (1 + threshold);
  const fn = ((_step: number) => s.value) as ReduceOnPlateau;
  Object.defineProperty(fn, 'value', { get: () => s.value });
  fn.observe = (metric: number) => {
    assertNumber('metric', metric);
    if (better(metric)) {
      s.best = metric;
      s.badCount = 0;
    } else s.badCount++;
    if (s.cooldownCounter > 0) {
      s.cooldownCounter--;
      s.badCount = 0;
    }
    if (s.badCount > patience) {
      const next = Math.max(s.value * factor, minLr);
      // PyTorch ignores changes smaller than eps = 1e-8.
      if (s.value - next > 1e-8) s.value = next;
      s.cooldownCounter = cooldown;
      s.badCount = 0;
    }
    return s.value;
  };
  fn.toJSON = () => ({
    kind: 'schedules.reduceOnPlateau',
    version: 1,
    initialValue,
    factor,
    patience,
    threshold,
    mode,
    cooldown,
    minLr,
    state: {
      value: s.value,
      // JSON has no infinities: an unset best is written as null.
      best: Number.isFinite(s.best) ? s.best : null,
      badCount: s.badCount,
      cooldownCounter: s.cooldownCounter,
    },
  });
  return fn;
}

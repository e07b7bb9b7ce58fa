import { errorCode } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { crossValidate, crossValidatedObjective } from './cross-validate';
import { medianPruner } from './pruners';
import { randomSampler } from './random-sampler';
import { createStudy, type Trial } from './study';

// Five folds of a 1-D regression y = 2x + noise, x = 0..19: fold f holds x = f, f+5, f+10, f+15.
const xs = Array.from({ length: 20 }, (_, i) => i);
const ys = xs.map((x) => 2 * x + Math.sin(3 * x));
const folds = [0, 1, 2, 3, 4].map((f) => ({
  train: xs.filter((x) => x % 5 !== f),
  validation: xs.filter((x) => x % 5 === f),
}));
/** Validation MSE of the line through the origin with slope `a * fitted slope`. */
function scoreFold(a: number, fold: { train: number[]; validation: number[] }): number {
  const slope =
    fold.train.reduce((s, x) => s + x * (ys[x] as number), 0) /
    fold.train.reduce((s, x) => s + x * x, 0);
  return (
    fold.validation.reduce((s, x) => s + (a * slope * x - (ys[x] as number)) ** 2, 0) /
    fold.validation.length
  );
}

describe('crossValidate', () => {
  it('returns the mean and population std of the fold scores, reports the running mean per fold', async () => {
    const study = await createStudy({ direction: 'minimize', sampler: randomSampler(), seed: 1 });
    let result: Awaited<ReturnType<typeof crossValidate>> | undefined;
    await study.optimize(
      async (trial) => {
        const a = await trial.suggestFloat('a', 0.5, 1.5);
        result = await crossValidate(trial, folds, (fold) => scoreFold(a, fold));
        return result.mean;
      },
      { nTrials: 1 },
    );
    const t = study.trials[0]!;
    const a = t.params.a as number;
    const scores = folds.map((f) => scoreFold(a, f));
    const mean = scores.reduce((s, v) => s + v, 0) / 5;
    const std = Math.sqrt(scores.reduce((s, v) => s + (v - mean) ** 2, 0) / 5);
    expect(result!.scores).toEqual(scores);
    expect(result!.mean).toBeCloseTo(mean, 12);
    expect(result!.std).toBeCloseTo(std, 12);
    expect(t.values).toEqual([result!.mean]);
    // intermediate value at step i: the mean of folds 0..i
    scores.forEach((_, i) => {
      const running = scores.slice(0, i + 1).reduce((s, v) => s + v, 0) / (i + 1);
      expect(t.intermediate[i]).toBeCloseTo(running, 12);
    });
    expect(t.userAttrs).toMatchObject({
      cv_scores: scores,
      cv_mean: result!.mean,
      cv_std: result!.std,
    });
  });

  it("with report: 'fold' reports each fold's own score", async () => {
    const study = await createStudy({ direction: 'minimize', sampler: randomSampler() });
    await study.optimize(
      (trial) =>
        crossValidate(trial, [1, 2, 3], (f) => f * 10, { report: 'fold' }).then((r) => r.mean),
      { nTrials: 1 },
    );
    expect(study.trials[0]!.intermediate).toEqual({ 0: 10, 1: 20, 2: 30 });
    expect(study.trials[0]!.values).toEqual([20]);
  });

  it('lets the pruner stop a bad trial after its first folds, without scoring the rest', async () => {
    const study = await createStudy({
      direction: 'minimize',
      sampler: randomSampler(),
      pruner: medianPruner({ nStartupTrials: 2 }),
    });
    const scored: number[][] = [];
    const objective = crossValidatedObjective(folds, async (trial: Trial, fold, i) => {
      const a = await trial.suggestFloat('a', 0, 3); // suggested again on every fold: same value
      scored[trial.number] ??= [];
      scored[trial.number]!.push(i);
      return scoreFold(a, fold);
    });
    for (const a of [1, 1.05, 2.5]) study.enqueueTrial({ a });
    await study.optimize(objective, { nTrials: 3 });
    const states = study.trials.map((t) => t.state);
    expect(states).toEqual(['complete', 'complete', 'pruned']);
    expect(scored[0]).toEqual([0, 1, 2, 3, 4]);
    expect(scored[2]).toEqual([0]); // pruned after the first fold
    expect(study.trials[2]!.userAttrs.cv_scores).toHaveLength(1);
    expect(study.bestTrial?.params.a).toBe(1);
  });

  it('with prune: false runs every fold even when the pruner would stop it', async () => {
    const study = await createStudy({
      direction: 'minimize',
      sampler: randomSampler(),
      pruner: medianPruner({ nStartupTrials: 1 }),
    });
    for (const a of [1, 3]) study.enqueueTrial({ a });
    await study.optimize(
      crossValidatedObjective(
        folds,
        async (trial, fold) => scoreFold(await trial.suggestFloat('a', 0, 3), fold),
        { prune: false },
      ),
      { nTrials: 2 },
    );
    expect(study.trials.map((t) => t.state)).toEqual(['complete', 'complete']);
  });

  it('fails the trial on a non-finite fold score and rejects bad arguments with typed errors', async () => {
    const study = await createStudy({ direction: 'minimize', sampler: randomSampler() });
    await expect(
      study.optimize(
        (trial) => crossValidate(trial, [0, 1], () => Number.NaN).then((r) => r.mean),
        {
          nTrials: 1,
          catchErrors: false,
        },
      ),
    ).rejects.toMatchObject({ code: 'NAN', argument: 'scoreFold(folds[0])' });
    const trial = { report: async () => undefined } as unknown as Trial;
    await expect(crossValidate(trial, [1], () => 0)).rejects.toMatchObject({
      code: 'CONFIG',
      argument: 'folds',
    });
    await expect(crossValidate({} as Trial, [1, 2], () => 0)).rejects.toMatchObject({
      argument: 'trial',
    });
    await expect(crossValidate(trial, [1, 2], 5 as never)).rejects.toMatchObject({
      argument: 'scoreFold',
    });
    await expect(
      crossValidate(trial, [1, 2], () => 0, { report: 'median' as never }),
    ).rejects.toMatchObject({ argument: 'report' });
    expect(errorCode(() => crossValidatedObjective([1, 2], null as never))).toBe('CONFIG');
  });
});

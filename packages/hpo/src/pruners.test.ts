import { describe, expect, it } from 'vitest';
import { ashaPruner, hyperbandPruner, medianPruner } from './pruners';
import { pruningListener } from './pruning-listener';
import { randomSampler } from './random-sampler';
import { createStudy } from './study';
import type { FrozenTrial } from './trial';

function trial(
  number: number,
  curve: number[],
  state: FrozenTrial['state'] = 'complete',
): FrozenTrial {
  return {
    number,
    state,
    params: {},
    distributions: {},
    intermediate: Object.fromEntries(curve.map((v, i) => [i, v])),
    userAttrs: {},
    startedAt: 0,
  };
}

describe('median pruner', () => {
  const done = [trial(0, [1, 0.8, 0.6]), trial(1, [1.2, 0.9, 0.7]), trial(2, [0.9, 0.7, 0.5])];
  it('prunes a trial worse than the median of completed trials at the same step (minimize)', () => {
    const p = medianPruner({ nStartupTrials: 3 });
    // median at step 1 is 0.8
    expect(p.shouldPrune(trial(3, [1, 0.85], 'running'), done, 'minimize')).toBe(true);
    expect(p.shouldPrune(trial(3, [1, 0.75], 'running'), done, 'minimize')).toBe(false);
    expect(p.shouldPrune(trial(3, [1, 0.75], 'running'), done, 'maximize')).toBe(true);
  });
  it('waits for startup trials and warm-up steps; prunes NaN', () => {
    expect(
      medianPruner({ nStartupTrials: 4 }).shouldPrune(trial(3, [9], 'running'), done, 'minimize'),
    ).toBe(false);
    expect(
      medianPruner({ nStartupTrials: 1, nWarmupSteps: 2 }).shouldPrune(
        trial(3, [9, 9], 'running'),
        done,
        'minimize',
      ),
    ).toBe(false);
    expect(
      medianPruner({ nStartupTrials: 1 }).shouldPrune(
        trial(3, [Number.NaN], 'running'),
        done,
        'minimize',
      ),
    ).toBe(true);
  });
});

describe('ASHA', () => {
  it('keeps the top 1/eta of the trials that reached a rung', () => {
    const p = ashaPruner({ minResource: 1, reductionFactor: 3 });
    // Rung at step 1: peers' values 0.1, 0.2, 0.3, 0.4, 0.5 plus ours.
    const peers = [0.1, 0.2, 0.3, 0.4, 0.5].map((v, i) => trial(i, [1, v], 'running'));
    // 6 values -> keep floor(6/3) = 2: cutoff is the 2nd best, 0.2
    expect(p.shouldPrune(trial(9, [1, 0.15], 'running'), peers, 'minimize')).toBe(false);
    expect(p.shouldPrune(trial(9, [1, 0.25], 'running'), peers, 'minimize')).toBe(true);
    // Between rungs (step 2 < 3) the decision is the rung-1 one: unchanged.
    expect(p.shouldPrune(trial(9, [1, 0.15, 9], 'running'), peers, 'minimize')).toBe(false);
    // Rung 0 at step 0 (minResource 1 -> rungs at 1, 3, 9): nothing to decide yet.
    expect(p.shouldPrune(trial(9, [5], 'running'), peers, 'minimize')).toBe(false);
  });
  it('rejects bad options', () => {
    expect(() => ashaPruner({ reductionFactor: 1 })).toThrow(/reductionFactor/);
    expect(() => hyperbandPruner({ maxResource: 0 })).toThrow(/maxResource/);
  });
});

describe('Hyperband', () => {
  it('assigns trials to brackets round-robin and compares within a bracket only', () => {
    const p = hyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 }); // 3 brackets
    // Bracket 0 (numbers 0, 3, 6...) has rungs 1, 3, 9; trial 9 is in bracket 0.
    const bracket0 = [0, 3, 6].map((n, i) => trial(n, [1, 0.1 * (i + 1)], 'running'));
    const otherBrackets = [1, 2, 4, 5].map((n) => trial(n, [1, 0.01], 'running'));
    // Among bracket 0: 0.1, 0.2, 0.3 and ours 0.12 -> keep floor(4/3) = 1 best: 0.1 -> pruned
    expect(
      p.shouldPrune(trial(9, [1, 0.12], 'running'), [...bracket0, ...otherBrackets], 'minimize'),
    ).toBe(true);
    expect(
      p.shouldPrune(trial(9, [1, 0.05], 'running'), [...bracket0, ...otherBrackets], 'minimize'),
    ).toBe(false);
    // Trial 10 is in bracket 1 (rungs 3, 9): at step 1 it has no rung yet.
    expect(p.shouldPrune(trial(10, [1, 99], 'running'), bracket0, 'minimize')).toBe(false);
  });
});

describe('pruning in a study', () => {
  it('prunes bad learning curves and saves steps with the median rule and ASHA', async () => {
    for (const pruner of [
      medianPruner({ nStartupTrials: 3 }),
      ashaPruner({ minResource: 1, reductionFactor: 2 }),
    ]) {
      const study = await createStudy({ sampler: randomSampler(), pruner, seed: 5 });
      let steps = 0;
      await study.optimize(
        async (t) => {
          const rate = await t.suggestFloat('rate', 0.01, 1, { log: true });
          let loss = 1;
          for (let step = 0; step < 10; step++) {
            loss *= 1 - rate / 2;
            steps++;
            await t.report(step, loss);
            if (await t.shouldPrune()) t.prune();
          }
          return loss;
        },
        { nTrials: 30 },
      );
      const pruned = study.trials.filter((t) => t.state === 'pruned');
      expect(pruned.length).toBeGreaterThan(5);
      expect(steps).toBeLessThan(30 * 10 * 0.8);
      // the best trial (fastest decay) was never pruned
      const bestRate = Math.max(...study.trials.map((t) => t.params.rate as number));
      expect(study.bestTrial!.params.rate).toBe(bestRate);
    }
  });

  it('the training listener reports each epoch and makes fit end as pruned in one line', async () => {
    const study = await createStudy({
      sampler: randomSampler(),
      pruner: medianPruner({ nStartupTrials: 1 }),
      seed: 1,
    });
    // A stand-in for fit: emits epoch events until a listener stops it, then onTrainEnd.
    const fakeFit = async (quality: number, listener: ReturnType<typeof pruningListener>) => {
      let stop = false;
      for (let epoch = 0; epoch < 5 && !stop; epoch++) {
        await listener.onEpochEnd!({
          epoch,
          step: epoch,
          logs: { val_loss: quality / (epoch + 1) },
          stopTraining: () => (stop = true),
        });
      }
      await listener.onTrainEnd!({ epoch: 0, step: 0, logs: {} });
      return quality;
    };
    let call = 0;
    await study.optimize(
      async (t) => {
        await t.suggestFloat('x', 0, 1);
        return fakeFit(call++ === 0 ? 1 : 5, pruningListener(t));
      },
      { nTrials: 2 },
    );
    expect(study.trials.map((t) => t.state)).toEqual(['complete', 'pruned']);
    expect(Object.keys(study.trials[1]!.intermediate)).toEqual(['0']);
    const l = pruningListener(study as never, { monitor: 'acc' });
    await expect(
      l.onEpochEnd!({ epoch: 0, step: 0, logs: { loss: 1 }, stopTraining() {} }),
    ).rejects.toThrow(/no "acc"/);
  });
});

import { fileURLToPath } from 'node:url';
import { markedBody, readmeBlock, withoutImports } from '@trainkit/test-utils';
import { expect, it } from 'vitest';
import { createStudy, crossValidate, medianPruner, randomSampler } from './index';

const here = fileURLToPath(import.meta.url);
const readme = fileURLToPath(new URL('../README.md', import.meta.url));

it('the README cross-validation example is this test, and it runs', async () => {
  expect(withoutImports(readmeBlock(readme, '## Cross-validation'))).toBe(markedBody(here));
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    // README:begin
    // Ridge regression through the origin on y = 2x + noise, x = 0..19; the penalty is searched.
    const xs = Array.from({ length: 20 }, (_, i) => i);
    const ys = xs.map((x) => 2 * x + 3 * Math.sin(3 * x));
    // five folds by hand here; in practice kFold(20, { k: 5, shuffle: true, rng: 0 }) from @trainkit/data
    const folds = [0, 1, 2, 3, 4].map((f) => ({
      train: xs.filter((i) => i % 5 !== f),
      validation: xs.filter((i) => i % 5 === f),
    }));
    const mse = (lambda: number, fold: (typeof folds)[number]) => {
      let sxy = 0;
      let sxx = 0;
      for (const i of fold.train) {
        sxy += (xs[i] as number) * (ys[i] as number);
        sxx += (xs[i] as number) ** 2;
      }
      const slope = sxy / (sxx + lambda);
      const errors = fold.validation.map(
        (i) => (slope * (xs[i] as number) - (ys[i] as number)) ** 2,
      );
      return errors.reduce((a, b) => a + b, 0) / errors.length;
    };

    const study = await createStudy({
      direction: 'minimize',
      sampler: randomSampler(),
      pruner: medianPruner({ nStartupTrials: 3 }), // may stop a trial between folds
      seed: 0,
    });
    await study.optimize(
      async (trial) => {
        const lambda = await trial.suggestFloat('lambda', 1e-2, 1e4, { log: true });
        // reports the running mean after each fold (step = fold), records cv_scores / cv_mean / cv_std
        const { mean } = await crossValidate(trial, folds, (fold) => mse(lambda, fold));
        return mean;
      },
      { nTrials: 20 },
    );
    const best = study.bestTrial;
    if (best === undefined) throw new Error('no trial completed');
    console.log(
      `best lambda ${(best.params.lambda as number).toFixed(3)}: validation MSE ` +
        `${(best.userAttrs.cv_mean as number).toFixed(3)} +- ${(best.userAttrs.cv_std as number).toFixed(3)}`,
    );
    const pruned = study.trials.filter((t) => t.state === 'pruned').length;
    console.log(
      `${study.trials.length - pruned} complete, ${pruned} pruned after their first folds`,
    );
    // README:end
  } finally {
    console.log = log;
  }
  log(lines.join('\n'));
  expect(lines[0]).toMatch(/^best lambda \d+\.\d{3}: validation MSE \d+\.\d{3} \+- \d+\.\d{3}$/);
  const m = lines[1]?.match(/^(\d+) complete, (\d+) pruned/);
  expect(Number(m?.[1]) + Number(m?.[2])).toBe(20);
  expect(Number(m?.[2])).toBeGreaterThan(0);
});

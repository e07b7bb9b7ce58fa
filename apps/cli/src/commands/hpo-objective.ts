// The objective of `trainkit hpo`, imported by each worker process (@trainkit/hpo's runWorkers):
// a trial is one `trainkit train` run in <study>/trials/<number> with the trial's parameters on
// top of the study's fixed options, scored by the last epoch's validation metric; each epoch is
// reported to the pruner. The study folder comes in TRAINKIT_HPO_DIR.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, StateError, type TrainingListener } from '@trainkit/core';
import { pruningListener, suggestSpace, type Trial, TrialPruned } from '@trainkit/hpo';
import { parseCommand } from '../args';
import { Interrupted } from '../usage-error';
import { writeFileAtomic } from '../write-atomic';
import { formatParams, type HpoSettings } from './hpo-config';
import { trainSpec } from './specs';
import { train } from './train';

/**
 * Reports every epoch's metric to the trial and asks the pruner, except after the last epoch:
 * stopping then saves nothing, and the finished run keeps its result (a complete trial).
 */
function trialListener(trial: Trial, monitor: string, epochs: number): TrainingListener {
  const pruning = pruningListener(trial, { monitor });
  return {
    async onEpochEnd(e) {
      if (e.epoch + 1 < epochs) return pruning.onEpochEnd?.(e);
      const v = e.logs[monitor];
      if (typeof v === 'number') await trial.report(e.epoch, v);
    },
    onTrainEnd(e) {
      return pruning.onTrainEnd?.(e);
    },
  };
}

let settings: HpoSettings | undefined;
function studySettings(): { dir: string; s: HpoSettings } {
  const dir = process.env.TRAINKIT_HPO_DIR;
  if (!dir) throw new StateError('TRAINKIT_HPO_DIR is not set', { argument: 'TRAINKIT_HPO_DIR' });
  settings ??= JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as HpoSettings;
  return { dir, s: settings };
}

export async function objective(trial: Trial): Promise<number> {
  const { dir, s } = studySettings();
  const params = await suggestSpace(trial, s.space);
  const out = join(dir, 'trials', String(trial.number));
  await trial.setUserAttr('runDir', out);
  const lines: string[] = [];
  const t0 = performance.now();
  const say = (what: string) =>
    console.log(
      `trial ${trial.number} ${what}  ${formatParams(params)}  (pid ${process.pid}, ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  console.log(`trial ${trial.number} started  ${formatParams(params)}  (pid ${process.pid})`);
  const parsed = parseCommand(
    trainSpec,
    ['--config', join(dir, 'study.json'), '--out', out],
    () => ({
      ...s.train,
      ...params,
    }),
  );
  try {
    await train(parsed, (line) => lines.push(line), {
      listeners: [trialListener(trial, s.metric, parsed.options.epochs as number)],
    });
  } catch (e) {
    if (e instanceof TrialPruned) {
      say(`pruned after epoch ${(e.step ?? 0) + 1}`);
      throw e;
    }
    // Ctrl-C: end this worker (a StateError stops the study's loop) rather than start a new trial.
    if (e instanceof Interrupted) throw new StateError('interrupted', { argument: 'trial' });
    say(`failed: ${(e as Error)?.message ?? e}`);
    throw e;
  } finally {
    writeFileAtomic(join(out, 'train.log'), `${lines.join('\n')}\n`);
  }
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
    testAccuracy?: number;
    history: Record<string, number>[];
  };
  const value = result.history.at(-1)?.[s.metric];
  if (typeof value !== 'number') {
    throw new ConfigError(`the run logged no ${s.metric}`, { argument: 'metric' });
  }
  if (result.testAccuracy !== undefined)
    await trial.setUserAttr('testAccuracy', result.testAccuracy);
  say(`${s.metric} ${value.toFixed(4)}`);
  return value;
}

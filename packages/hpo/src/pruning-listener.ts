import { ConfigError, type EpochEndEvent, type TrainingListener } from '@trainkit/core';
import { type Trial, TrialPruned } from './study';

/**
 * Plugs a trial's pruner into a training loop (any loop emitting the core training events, such
 * as `@trainkit/train`'s `fit`): after each epoch it reports `logs[monitor]` at step = epoch, asks
 * the pruner, and if the trial should stop, ends training and makes `fit` reject with
 * {@link TrialPruned} (thrown from `onTrainEnd`), which the study records as pruned.
 * @example await fit(model, data, { epochs: 20, listeners: [pruningListener(trial, { monitor: 'val_acc' })] });
 */
export function pruningListener(
  trial: Trial,
  options: { monitor?: string } = {},
): TrainingListener & { readonly pruned: boolean } {
  const monitor = options.monitor ?? 'val_loss';
  let prunedAt: number | undefined;
  return {
    get pruned() {
      return prunedAt !== undefined;
    },
    async onEpochEnd(e: EpochEndEvent) {
      const v = e.logs[monitor];
      if (typeof v !== 'number') {
        throw new ConfigError(`the epoch logs have no "${monitor}"`, {
          argument: 'monitor',
          expected: Object.keys(e.logs).join(', ') || 'logged metrics',
          received: monitor,
        });
      }
      await trial.report(e.epoch, v);
      if (await trial.shouldPrune()) {
        prunedAt = e.epoch;
        e.stopTraining(`pruned at epoch ${e.epoch} (${monitor} ${v})`);
      }
    },
    onTrainEnd() {
      if (prunedAt !== undefined) throw new TrialPruned(prunedAt);
    },
  };
}

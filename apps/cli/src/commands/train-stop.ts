// Ctrl-C / SIGTERM during `trainkit train`: stop after the current step, save, and exit 130 / 143.
import type { TrainingListener } from '@trainkit/core';

/** Exit codes of a run stopped by a signal (128 + the signal's number). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;

/** A listener that stops the run at the next step boundary once a signal came. */
export interface SignalStop {
  listener: TrainingListener;
  /** Starts / stops listening to SIGINT and SIGTERM (around the training). */
  attach(): void;
  detach(): void;
  /** The signal that stopped the run, if one did. */
  readonly signal: StopSignal | undefined;
}

/** Watches SIGINT / SIGTERM; the second signal (a new Ctrl-C) quits at once without saving. */
export function signalStop(): SignalStop {
  let stopSignal: StopSignal | undefined;
  let firstSignal = 0;
  const onSignal = (signal: StopSignal) => {
    // Runners (tsx, pnpm) relay the terminal's SIGINT that this process also receives: a second
    // one within a second is the same Ctrl-C. A later one quits at once, without saving.
    if (stopSignal !== undefined) {
      if (Date.now() - firstSignal > 1000 || signal !== stopSignal) {
        process.stderr.write('\ntrainkit: quit without saving\n');
        process.exit(SIGNAL_EXIT[signal]);
      }
      return;
    }
    stopSignal = signal;
    firstSignal = Date.now();
    process.stderr.write(
      `\ntrainkit: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}, stopping after this step (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit without saving)\n`,
    );
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  let stopAsked = false;
  let lastYield = performance.now();
  const listener: TrainingListener = {
    onTrainBegin: (e) => (stopSignal ? e.stopTraining('interrupted') : undefined),
    onBatchEnd: (e) => {
      if (stopSignal && !stopAsked) {
        stopAsked = true;
        e.stopTraining('interrupted');
        return;
      }
      // Let signal handlers run between steps (the loop itself never waits on the event
      // loop): at most every 25 ms, a setImmediate costs microseconds. A signal that arrived
      // during this step stops the run here, before another step starts.
      if (performance.now() - lastYield < 25) return;
      return new Promise<void>((r) =>
        setImmediate(() => {
          lastYield = performance.now();
          if (stopSignal && !stopAsked) {
            stopAsked = true;
            e.stopTraining('interrupted');
          }
          r();
        }),
      );
    },
  };
  return {
    listener,
    attach() {
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
    },
    detach() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
    get signal() {
      return stopSignal;
    },
  };
}

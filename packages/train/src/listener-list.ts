import type {
  BatchEvent,
  EpochBeginEvent,
  EpochEndEvent,
  TrainBeginEvent,
  TrainEndEvent,
  TrainingListener,
} from '@trainkit/core';

type Without<E> = Omit<E, 'stopTraining'>;

/** Calls listeners in order, awaiting only those that return a promise; records stop requests. */
export class ListenerList {
  stopped = false;
  stopReason: string | undefined;
  /** Whether any listener has `onBatchEnd` (otherwise no batch events are built at all). */
  readonly wantsBatches: boolean;
  private readonly stop = (reason?: string) => {
    this.stopped = true;
    this.stopReason ??= reason ?? 'stopTraining() called by a listener';
  };

  constructor(readonly listeners: TrainingListener[]) {
    this.wantsBatches = listeners.some((l) => typeof l.onBatchEnd === 'function');
  }

  private async each(
    call: (l: TrainingListener) => void | Promise<void> | undefined,
  ): Promise<void> {
    for (const l of this.listeners) {
      const r = call(l);
      if (r && typeof (r as Promise<void>).then === 'function') await r;
    }
  }

  trainBegin(e: Without<TrainBeginEvent>): Promise<void> {
    const ev = { ...e, stopTraining: this.stop };
    return this.each((l) => l.onTrainBegin?.(ev));
  }
  epochBegin(e: Without<EpochBeginEvent>): Promise<void> {
    const ev = { ...e, stopTraining: this.stop };
    return this.each((l) => l.onEpochBegin?.(ev));
  }
  batchEnd(e: Without<BatchEvent>): Promise<void> {
    const ev = { ...e, stopTraining: this.stop };
    return this.each((l) => l.onBatchEnd?.(ev));
  }
  epochEnd(e: Without<EpochEndEvent>): Promise<void> {
    const ev = { ...e, stopTraining: this.stop };
    return this.each((l) => l.onEpochEnd?.(ev));
  }
  trainEnd(e: TrainEndEvent): Promise<void> {
    return this.each((l) => l.onTrainEnd?.(e));
  }
}

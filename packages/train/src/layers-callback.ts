import * as tf from '@tensorflow/tfjs-core';
import { Callback } from '@tensorflow/tfjs-layers';
import { type Logs, modelParams, type TrainingListener } from '@trainkit/core';

type RawLogs = Record<string, number | tf.Scalar> | undefined;

async function numbers(logs: RawLogs): Promise<Logs> {
  const out: Logs = {};
  for (const [k, v] of Object.entries(logs ?? {})) {
    out[k] = typeof v === 'number' ? v : ((await v.data())[0] as number);
  }
  return out;
}

class ListenerCallback extends Callback {
  private step = 0;
  private epoch = 0;
  private reason: string | undefined;
  private readonly stop = (reason?: string) => {
    this.reason ??= reason ?? 'stopTraining() called by a listener';
    this.model.stopTraining = true;
  };

  constructor(private readonly listener: TrainingListener) {
    super();
  }

  override async onTrainBegin(): Promise<void> {
    const p = this.params as { epochs?: number; steps?: number; initialEpoch?: number };
    await this.listener.onTrainBegin?.({
      params: modelParams(this.model),
      epochs: p.epochs ?? 1,
      ...(typeof p.steps === 'number' ? { stepsPerEpoch: p.steps } : {}),
      initialStep: 0,
      stopTraining: this.stop,
    });
  }
  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    await this.listener.onEpochBegin?.({ epoch, step: this.step, stopTraining: this.stop });
  }
  override async onBatchEnd(batch: number, logs?: RawLogs): Promise<void> {
    const step = this.step++;
    if (!this.listener.onBatchEnd) return;
    const raw = logs?.loss;
    const loss = typeof raw === 'number' ? tf.scalar(raw) : tf.clone(raw ?? tf.scalar(Number.NaN));
    const size = logs?.size;
    try {
      await this.listener.onBatchEnd({
        epoch: this.epoch,
        batch,
        step,
        batchSize: typeof size === 'number' ? size : 0,
        loss: loss as tf.Scalar,
        params: modelParams(this.model),
        stopTraining: this.stop,
      });
    } finally {
      loss.dispose();
    }
  }
  override async onEpochEnd(epoch: number, logs?: RawLogs): Promise<void> {
    await this.listener.onEpochEnd?.({
      epoch,
      step: this.step,
      logs: await numbers(logs),
      stopTraining: this.stop,
    });
  }
  override async onTrainEnd(logs?: RawLogs): Promise<void> {
    await this.listener.onTrainEnd?.({
      epoch: this.epoch + 1,
      step: this.step,
      logs: await numbers(logs),
      ...(this.reason === undefined ? {} : { stopReason: this.reason }),
    });
  }
}

/**
 * Plugs a trainkit {@link TrainingListener} into tfjs-layers `model.fit` (no gradients or
 * updates there; the batch loss is lent as a scalar). `stopTraining` sets `model.stopTraining`.
 *
 * @example
 * await model.fit(x, y, { epochs: 3, callbacks: [toLayersCallback(myListener)] });
 */
export function toLayersCallback(listener: TrainingListener): Callback {
  return new ListenerCallback(listener);
}

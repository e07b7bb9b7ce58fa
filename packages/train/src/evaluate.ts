import * as tf from '@tensorflow/tfjs-core';
import { assertPositiveInt, ConfigError, type Logs, type Params, Rng } from '@trainkit/core';
import { type Batch, checkTensorData, epochBatches, isTensorData, type TrainData } from './batches';
import type { Loss } from './losses/loss';
import type { Metric } from './metrics/metric';
import type { Forward } from './train-step';

export interface EvaluateOptions {
  loss: Loss;
  metrics?: Metric[];
  /** Examples per forward pass. Default 256. */
  batchSize?: number;
}

/**
 * Mean loss and metrics of `forward` over `data` in inference mode (`training: false`),
 * summed on the device and read back once. Keys: `loss` and each metric's name.
 *
 * @example
 * const logs = await evaluateFunction(params, forward, { x, y }, { loss: softmaxCrossEntropy(), metrics: [accuracy()] });
 */
export async function evaluateFunction(
  params: Params,
  forward: Forward,
  data: TrainData,
  options: EvaluateOptions,
): Promise<Logs> {
  const batchSize = assertPositiveInt('batchSize', options.batchSize ?? 256);
  if (isTensorData(data)) checkTensorData(data, 'validationData');
  const metrics = options.metrics ?? [];
  const names = ['loss', ...metrics.map((m) => m.name)];
  let sums: tf.Tensor = tf.zeros([names.length]);
  let count = 0;
  for await (const b of epochBatches(data, { batchSize, shuffle: false, rng: new Rng(0) })) {
    const next = tf.tidy(() => {
      const yPred = forward(params, b.x, { training: false });
      const vals = [options.loss(b.y, yPred), ...metrics.map((m) => m(b.y, yPred))];
      return tf.add(sums, tf.mul(tf.stack(vals), b.x.shape[0] as number));
    });
    count += b.x.shape[0] as number;
    disposeBatch(b);
    sums.dispose();
    sums = next;
  }
  if (count === 0) {
    sums.dispose();
    throw new ConfigError('the data yielded no batches', {
      argument: 'data',
      expected:
        'at least one batch (pass a function returning a fresh iterable for repeated passes)',
      received: 'an empty or exhausted iterable',
    });
  }
  const values = await sums.data();
  sums.dispose();
  const logs: Logs = {};
  names.forEach((n, i) => {
    logs[n] = (values[i] as number) / Math.max(count, 1);
  });
  return logs;
}

function disposeBatch(b: Batch): void {
  tf.dispose([b.x, b.y]);
}

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';
import { batchNormLayers, checkModel } from './layers-of';

/**
 * Re-estimates the moving mean and variance of every {@link BatchNormalization} layer of
 * `model` as the plain (cumulative) average of the batch statistics over `batches` — PyTorch's
 * `momentum=None` and `torch.optim.swa_utils.update_bn`. Use it after training (the moving
 * averages lag the final weights), after weight averaging, or after transfer to a new domain.
 *
 * The forward passes run in inference mode (dropout off) except for the BN layers, which
 * normalize by each batch as in training, so later layers see what training would show them.
 * Frozen (`trainable = false`) BN layers are re-estimated too. Returns the number of batches.
 *
 * @example
 * const n = await recomputeStatistics(model, [x1, x2, x3]);
 */
export async function recomputeStatistics(
  model: tfl.LayersModel,
  batches: Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>,
): Promise<number> {
  checkModel(model);
  if (
    batches == null ||
    (typeof (batches as Iterable<tf.Tensor>)[Symbol.iterator] !== 'function' &&
      typeof (batches as AsyncIterable<tf.Tensor>)[Symbol.asyncIterator] !== 'function')
  ) {
    throw new ConfigError('must be an iterable of tensors', {
      argument: 'batches',
      expected: 'an array, iterable or async iterable of batch tensors',
      received: batches,
    });
  }
  const layers = batchNormLayers(model);
  if (layers.length === 0) {
    throw new ConfigError('has no BatchNormalization layer', {
      argument: 'model',
      expected: 'a model with @trainkit/batchnorm layers',
      receivedText: `layers ${model.layers.map((l) => l.getClassName()).join(', ')}`,
    });
  }
  // Snapshot, so that a failure part-way leaves the statistics as they were.
  const saved = layers.map(
    (l) => [tf.clone(l.movingMean.read()), tf.clone(l.movingVariance.read())] as const,
  );
  let n = 0;
  try {
    for (const l of layers) l.cumulativeCount = 0;
    for await (const x of batches) {
      if (!(x instanceof tf.Tensor)) {
        throw new ConfigError('must contain tensors', {
          argument: `batches[${n}]`,
          expected: 'a tf.Tensor batch',
          received: x,
        });
      }
      tf.dispose(model.predictOnBatch(x));
      n++;
    }
    if (n === 0) {
      throw new ConfigError('is empty', {
        argument: 'batches',
        expected: 'at least one batch',
        received: [],
      });
    }
  } catch (e) {
    layers.forEach((l, i) => {
      l.movingMean.write(saved[i]![0]);
      l.movingVariance.write(saved[i]![1]);
    });
    throw e;
  } finally {
    for (const l of layers) l.cumulativeCount = null;
    tf.dispose(saved.flat());
  }
  return n;
}

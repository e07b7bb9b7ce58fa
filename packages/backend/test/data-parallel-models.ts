// Models for the data-parallel tests: each worker builds its replica from this module.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** The loss every engine minimises (the mean softmax cross-entropy of the shard, y one-hot). */
export const shardLoss = (y: tf.Tensor, out: tf.Tensor): tf.Scalar =>
  tf.losses.softmaxCrossEntropy(y, out) as tf.Scalar;

const init = (seed: number) => tfl.initializers.glorotUniform({ seed });

/** A replica: the model and the loss its worker minimises. */
const withLoss = (model: tfl.LayersModel) => ({ model, loss: shardLoss });
export const smallCnnReplica = () => withLoss(smallCnn());
export const smallBnCnnReplica = () => withLoss(smallBnCnn());

/** conv 3x3x4 (stride 2) + relu, max pool, dense 3: no batch norm. */
export function smallCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [9, 9, 2],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, kernelInitializer: init(2) }),
    ],
  });
}

/** conv 3x3x4 + batch norm + relu, global average pool, dense 3. */
export function smallBnCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [6, 6, 2],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: init(3),
      }),
      tfl.layers.batchNormalization({ momentum: 0.9 }),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 3, kernelInitializer: init(4) }),
    ],
  });
}

/** Not a model: the worker must refuse it. */
export const notAModel = () => 42;

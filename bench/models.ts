// The two benchmark models, built with tfjs-layers (mirrored layer by layer in torch_bench.py).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { softmaxCrossEntropy } from '@trainkit/train';

/** LeNet-5 on 28x28x1: conv5x5x6 'same' relu, maxpool, conv5x5x16 relu, maxpool, 120, 84, 10. */
export function lenet5(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 84, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

function convBn(x: tfl.SymbolicTensor, relu: boolean): tfl.SymbolicTensor {
  const c = tfl.layers
    .conv2d({ filters: 32, kernelSize: 3, padding: 'same', useBias: false })
    .apply(x) as tfl.SymbolicTensor;
  const b = tfl.layers.batchNormalization().apply(c) as tfl.SymbolicTensor;
  return relu ? (tfl.layers.activation({ activation: 'relu' }).apply(b) as tfl.SymbolicTensor) : b;
}

/** Small ResNet on 32x32x3: conv3x3x32+BN+relu, 2 basic blocks (32 ch, BN), GAP, dense 10. */
export function smallResNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [32, 32, 3] });
  let x = convBn(input, true);
  for (let i = 0; i < 2; i++) {
    const y = convBn(convBn(x, true), false);
    x = tfl.layers
      .activation({ activation: 'relu' })
      .apply(tfl.layers.add().apply([x, y])) as tfl.SymbolicTensor;
  }
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 10 }).apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/**
 * Forward multiply-adds per image, counted layer by layer (conv: OH*OW*KH*KW*Cin*Cout;
 * dense: in*out). Training FLOPs per image = 3 x forward (forward + input grad + weight grad)
 * x 2 FLOPs per multiply-add; BN, pooling and activations are ignored (<2%).
 */
export function forwardMacs(model: tfl.LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const out = layer.outputShape as number[];
    const kernel = layer.getWeights()[0];
    if (!kernel) continue;
    if (cls === 'Conv2D') {
      const [kh, kw, ci, co] = kernel.shape as number[];
      macs +=
        (out[1] as number) *
        (out[2] as number) *
        (kh as number) *
        (kw as number) *
        (ci as number) *
        (co as number);
    } else if (cls === 'Dense') {
      macs += (kernel.shape[0] as number) * (kernel.shape[1] as number);
    }
  }
  return macs;
}

export const trainingFlopsPerImage = (model: tfl.LayersModel) => 6 * forwardMacs(model);

/**
 * One SGD step of softmax cross-entropy on (x, y) via optimizer.minimize; returns the loss.
 * `training: true`: batch norm normalizes with the batch's statistics and updates its moving
 * ones, as PyTorch's model.train() does (without it tfjs-layers runs BN in inference mode).
 */
export function sgdStep(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  y: tf.Tensor,
): tf.Scalar {
  return tf.tidy(
    () =>
      optimizer.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(
            y,
            model.apply(x, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
        true,
      ) as tf.Scalar,
  );
}

/** The data-parallel replicas (bench/run.ts): each worker's model and the loss it minimises (train's). */
export const lenet5Replica = () => ({ model: lenet5(), loss: softmaxCrossEntropy() });
export const smallResNetReplica = () => ({ model: smallResNet(), loss: softmaxCrossEntropy() });

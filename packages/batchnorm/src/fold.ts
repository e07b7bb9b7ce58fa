import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';
import { BatchNormalization } from './batch-normalization';
import { checkModel } from './layers-of';

const FOLDABLE = new Set(['Dense', 'Conv2D']);

function rebuild(layer: tfl.layers.Layer, patch: Record<string, unknown> = {}): tfl.layers.Layer {
  const config = { ...layer.getConfig() } as tf.serialization.ConfigDict;
  delete config.batchInputShape;
  delete config.inputShape;
  Object.assign(config, patch);
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  if (!entry) {
    throw new ConfigError('layer class is not registered with tfjs serialization', {
      argument: 'model',
      expected: 'registered layer classes (call registerBatchNormalization())',
      received: layer.getClassName(),
    });
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config) as tfl.layers.Layer;
}

/** Can `bn` fold into `prev`: a linear dense/conv (channels last) whose channels BN normalizes. */
function foldable(prev: tfl.layers.Layer | undefined, bn: BatchNormalization): boolean {
  if (!prev || !FOLDABLE.has(prev.getClassName())) return false;
  const c = prev.getConfig();
  if (c.activation !== 'linear') return false;
  if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast') return false;
  const rank = (prev.outputShape as number[]).length;
  return bn.channelAxis(rank) === rank - 1;
}

/**
 * Merges each {@link BatchNormalization} that directly follows a linear `dense` / `conv2d`
 * (channels last) into that layer's kernel and bias, for inference:
 * with s = gamma / sqrt(var + eps), W' = W s (per output channel) and b' = (b - mu) s + beta
 * (Ioffe & Szegedy 2015, sec. 3.2: at inference BN is a fixed affine map). Returns a new
 * Sequential model with copied weights; other BN layers stay (in inference mode) as they are.
 * Sequential models only. Call {@link registerBatchNormalization} first.
 *
 * @example
 * const inference = fold(model); // same predictions within float error, fewer layers
 */
export function fold(model: tfl.LayersModel): tfl.Sequential {
  checkModel(model);
  if (!(model instanceof tfl.Sequential)) {
    throw new ConfigError('fold supports Sequential models only', {
      argument: 'model',
      expected: 'a tf.Sequential',
      received: model.getClassName(),
    });
  }
  const inputShape = model.inputs[0]!.shape;
  const out = tfl.sequential();
  const src = model.layers;
  // The first layer carries the model's input shape.
  const first = (i: number) => (i === 0 ? { batchInputShape: inputShape } : {});
  for (let i = 0; i < src.length; i++) {
    const layer = src[i]!;
    const next = src[i + 1];
    if (next instanceof BatchNormalization && foldable(layer, next)) {
      const fused = rebuild(layer, { useBias: true, ...first(i) });
      out.add(fused);
      const [W, b] = tf.tidy(() => {
        const kernel = layer.getWeights()[0]!;
        const bias = layer.getWeights()[1] ?? tf.zeros([kernel.shape[kernel.rank - 1]!]);
        const gamma = next.gamma ? next.gamma.read() : tf.scalar(1);
        const beta = next.beta ? next.beta.read() : tf.scalar(0);
        const scale = tf.mul(gamma, tf.rsqrt(tf.add(next.movingVariance.read(), next.epsilon)));
        const newBias = tf.add(tf.mul(tf.sub(bias, next.movingMean.read()), scale), beta);
        return [tf.mul(kernel, scale), newBias];
      });
      fused.setWeights([W, b]);
      tf.dispose([W, b]);
      i++; // skip the BN
    } else {
      const copy = rebuild(layer, first(i));
      out.add(copy);
      copy.setWeights(layer.getWeights());
    }
  }
  return out;
}

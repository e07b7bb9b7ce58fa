import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';

type LayerClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable> & {
  fromConfig: tf.serialization.FromConfigMethod<tf.serialization.Serializable>;
};

// The same layer, new weights with equal values (a different model must not share variables).
function cloneLayer(layer: tfl.layers.Layer): tfl.layers.Layer {
  const className = layer.getClassName();
  const cls = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!cls) {
    throw new ConfigError(`layer class ${className} is not registered with tfjs serialization`, {
      argument: `model.layers["${layer.name}"]`,
      expected: 'a registered layer class',
      received: className,
    });
  }
  const [ctor, fromConfig] = cls;
  return fromConfig(ctor as LayerClass, layer.getConfig()) as unknown as tfl.layers.Layer;
}

function isInput(layer: tfl.layers.Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

// Layers of a chain model in order (no branches), or a ConfigError.
function chain(model: tfl.LayersModel): tfl.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ConfigError('expected a single-input, single-output model', {
      argument: 'model',
      expected: '1 input and 1 output',
      receivedText: `${model.inputs.length} inputs, ${model.outputs.length} outputs`,
    });
  }
  const layers = model.layers.filter((l) => !isInput(l));
  layers.forEach((layer, i) => {
    const inbound = layer.inboundNodes.flatMap((n) => n.inboundLayers);
    const prev = layers[i - 1];
    const ok =
      inbound.length === 1 && (prev === undefined ? isInput(inbound[0]!) : inbound[0] === prev);
    if (!ok) {
      throw new ConfigError('only chain models (each layer feeding the next) can be converted', {
        argument: 'model',
        expected: 'a sequential chain of layers',
        receivedText: `layer "${layer.name}" with inputs from ${inbound.map((l) => `"${l.name}"`).join(', ') || 'nothing'}`,
      });
    }
  });
  return layers;
}

/**
 * Converts the dense layers that follow a conv volume into equivalent convolutions, so a trained
 * net slides over larger images (Sermanet et al. 2014, OverFeat; Long et al. 2015, FCN): the
 * first dense layer after `Flatten` of an `h x w x c` volume becomes an `h x w` conv with the
 * dense kernel reshaped to `[h, w, c, units]` (Flatten is row-major over h, w, c), later dense
 * layers become 1x1 convs. The new model takes any height/width; on the original size its
 * output is `[batch, 1, 1, classes]` and equals the original's. Weights are copied, so the
 * original can be disposed. Only chain (sequential-topology) models are supported.
 *
 * @example
 * const fcn = toFullyConvolutional(lenet5({ inputShape: [36, 36, 1] }));
 * fcn.predict(tf.zeros([1, 44, 44, 1])); // [1, 3, 3, 10]: one prediction per 36x36 window, stride 4
 */
export function toFullyConvolutional(model: tfl.LayersModel): tfl.LayersModel {
  if (!model || !Array.isArray((model as { layers?: unknown }).layers)) {
    throw new ConfigError('not a tfjs-layers model', {
      argument: 'model',
      expected: 'a LayersModel',
      received: model,
    });
  }
  const layers = chain(model);
  const flatIndex = layers.findIndex(
    (l, i) =>
      l.getClassName() === 'Flatten' &&
      (l.inputSpec?.[0]?.ndim ?? (l.input as tfl.SymbolicTensor).shape.length) === 4 &&
      layers.slice(i + 1).some((n) => n.getClassName() === 'Dense'),
  );
  if (flatIndex < 0) {
    throw new ConfigError('nothing to convert', {
      argument: 'model',
      expected: 'a Flatten of a [h, w, c] conv volume followed by Dense layers',
      receivedText: `layers ${layers.map((l) => l.getClassName()).join(', ')}`,
    });
  }
  for (const l of layers.slice(flatIndex + 1)) {
    if (!['Dense', 'Dropout', 'Activation', 'BatchNormalization'].includes(l.getClassName())) {
      throw new ConfigError(`layer "${l.name}" after Flatten cannot be made convolutional`, {
        argument: 'model',
        expected: 'only Dense, Dropout, Activation, BatchNormalization after Flatten',
        received: l.getClassName(),
      });
    }
  }
  const inShape = (model.inputs[0] as tfl.SymbolicTensor).shape;
  const input = tfl.input({ shape: [null, null, inShape[3] as number], name: 'input' });
  let x = input;
  let window: [number, number] | undefined;
  tf.tidy(() => {
    layers.forEach((layer, i) => {
      if (i === flatIndex) {
        const s = (layer.input as tfl.SymbolicTensor).shape as number[];
        window = [s[1]!, s[2]!];
        return;
      }
      if (i > flatIndex && layer.getClassName() === 'Dense') {
        const config = layer.getConfig();
        const [kernel, bias] = layer.getWeights();
        const [cin, units] = (kernel as tf.Tensor).shape as [number, number];
        const [kh, kw] = window ?? [1, 1];
        const conv = tfl.layers.conv2d({
          name: layer.name,
          filters: units,
          kernelSize: [kh, kw],
          padding: 'valid',
          useBias: bias !== undefined,
          activation: config.activation as 'relu',
        });
        x = conv.apply(x) as tfl.SymbolicTensor;
        const k = tf.reshape(kernel as tf.Tensor, [kh, kw, cin / (kh * kw), units]);
        conv.setWeights(bias === undefined ? [k] : [k, bias]);
        window = undefined;
        return;
      }
      const clone = cloneLayer(layer);
      x = clone.apply(x) as tfl.SymbolicTensor;
      clone.setWeights(layer.getWeights());
    });
  });
  return tfl.model({ inputs: input, outputs: x, name: `${model.name}_fcn` });
}

import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';
import { resolveLayerIndex } from './resolve-layer';

type Layer = tfl.LayersModel['layers'][number];

/**
 * A model from the inputs of `model` to the output of `layer`, for Sequential and functional
 * models, **at any depth**: `layer` is an index into `model.layers` (negative from the end), a
 * top-level name, a path through nested models (`'features/conv2'`: layer `conv2` inside the
 * sub-model `features`), or the name of a layer inside a nested model when that name is unique.
 * The new model **shares** the layers (and so the weights) of `model`: training one trains the
 * other.
 *
 * @example const codes = cutAt(doodlenet, 'dense'); // drop the 345-way classifier
 * @example const body = cutAt(model, -2);
 * @example const mid = cutAt(net, 'backbone/block2_conv'); // inside a nested backbone
 */
export function cutAt(model: tfl.LayersModel, layer: string | number): tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel)) {
    throw new ConfigError('not a tfjs-layers model', {
      argument: 'model',
      expected: 'a LayersModel',
      received: model,
    });
  }
  const path = resolvePath(model, layer);
  const target = path[path.length - 1]!;
  return tfl.model({
    inputs: model.inputs,
    outputs: outputIn(model, path),
    name: `${model.name}_cut_${target.name}`,
  });
}

/** The layers from `model` down to the target: `[outerLayer, ..., target]`. */
function resolvePath(model: tfl.LayersModel, layer: string | number): Layer[] {
  if (typeof layer === 'number') return [model.layers[resolveLayerIndex(model, layer)]!];
  if (typeof layer !== 'string') {
    throw new ConfigError('layer must be a name, a path or an index', {
      argument: 'layer',
      expected: "a layer name, 'outer/inner' path, or integer index",
      received: layer,
    });
  }
  if (model.layers.some((l) => l.name === layer)) return [model.getLayer(layer)];
  if (layer.includes('/')) {
    const parts = layer.split('/');
    const out: Layer[] = [];
    let container: tfl.LayersModel = model;
    parts.forEach((part, k) => {
      const l = container.layers.find((x) => x.name === part);
      if (!l) {
        throw new ConfigError('no layer with this name on the path', {
          argument: 'layer',
          expected: `one of ${container.layers.map((x) => x.name).join(', ')} in ${container.name}`,
          received: parts.slice(0, k + 1).join('/'),
        });
      }
      if (k < parts.length - 1 && !(l instanceof tfl.LayersModel)) {
        throw new ConfigError('a path step is not a nested model', {
          argument: 'layer',
          expected: `${parts.slice(0, k + 1).join('/')} to be a model used as a layer`,
          received: l.getClassName(),
        });
      }
      out.push(l);
      if (l instanceof tfl.LayersModel) container = l;
    });
    return out;
  }
  const found = findNested(model, layer);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    throw new ConfigError('the layer name is ambiguous among nested models', {
      argument: 'layer',
      expected: `a path: one of ${found.map((p) => p.map((l) => l.name).join('/')).join(', ')}`,
      received: layer,
    });
  }
  // Not found anywhere: the usual top-level message.
  return [model.layers[resolveLayerIndex(model, layer)]!];
}

function findNested(model: tfl.LayersModel, name: string): Layer[][] {
  const out: Layer[][] = [];
  for (const l of model.layers) {
    if (l.name === name) out.push([l]);
    else if (l instanceof tfl.LayersModel) {
      for (const p of findNested(l, name)) out.push([l, ...p]);
    }
  }
  return out;
}

/** The node of `layer` that belongs to `container`'s graph (a shared layer has several). */
function nodeIn(container: tfl.LayersModel, layer: Layer) {
  // A Sequential keeps its graph in an inner functional model (`.model`), built lazily.
  const graph = container as unknown as { containerNodes?: Set<string>; model?: unknown };
  if (container instanceof tfl.Sequential && graph.model == null) container.build();
  const own =
    graph.model instanceof tfl.LayersModel && graph.model !== container
      ? (graph.model as unknown as { containerNodes?: Set<string> }).containerNodes
      : graph.containerNodes;
  const nodes =
    own && own.size > 0
      ? layer.inboundNodes.filter((_, i) => own.has(`${layer.name}_ib-${i}`))
      : layer.inboundNodes;
  if (nodes.length !== 1) {
    throw new ConfigError('the layer is called more than once (or never) in the model', {
      argument: 'layer',
      expected: `a layer called exactly once in ${container.name}`,
      received: layer.name,
    });
  }
  return nodes[0]!;
}

/**
 * The symbolic output, in `container`'s graph, of the last layer of `path`. A nested model's
 * inner layer exists symbolically only inside that model: cut the nested model there and call
 * the cut on the tensors the nested model receives in `container` (unless those are the nested
 * model's own inputs, as for the first layer of a Sequential model).
 */
function outputIn(container: tfl.LayersModel, path: Layer[]): tfl.SymbolicTensor {
  const [head, ...rest] = path;
  // A model that starts a Sequential is inlined: its own tensors are the Sequential's.
  if (
    head instanceof tfl.LayersModel &&
    container instanceof tfl.Sequential &&
    container.layers[0] === head
  ) {
    return rest.length === 0 ? (head.outputs[0] as tfl.SymbolicTensor) : outputIn(head, rest);
  }
  const node = nodeIn(container, head!);
  if (rest.length === 0) {
    if (node.outputTensors.length !== 1) {
      throw new ConfigError('the layer has several outputs', {
        argument: 'layer',
        expected: 'a single-output layer',
        received: head!.name,
      });
    }
    return node.outputTensors[0]!;
  }
  const nested = head as tfl.LayersModel;
  const inner = outputIn(nested, rest);
  const feeds = node.inputTensors;
  if (feeds.length === nested.inputs.length && feeds.every((t, i) => t === nested.inputs[i])) {
    return inner;
  }
  const sub = tfl.model({
    inputs: nested.inputs,
    outputs: inner,
    name: `${nested.name}_cut_${rest[rest.length - 1]!.name}`,
  });
  return sub.apply(feeds.length === 1 ? feeds[0]! : feeds) as tfl.SymbolicTensor;
}

import * as tfl from '@tensorflow/tfjs-layers';
import { call, inlineActivation, poolFeatures, type Resolved, separateActivation } from './common';

/** One hidden dense layer of a classifier head, with its dropout layer before or after it. */
export interface HiddenDense {
  /** Layer name (`fc6`). A separate activation, when there is one, is `<name>_act`. */
  name: string;
  units: number;
  /** Name of a dropout layer applied to this layer's input (AlexNet's order). */
  dropoutBefore?: string;
  /** Name of a dropout layer applied to this layer's output (VGG's order). */
  dropoutAfter?: string;
}

/** The shape of a classifier head: what comes between the features and the logits. */
export interface HeadLayout {
  /** First layer: `flatten` the feature volume, or `globalAvg` pool it (named `name`). */
  reduce: { kind: 'flatten' | 'globalAvg'; name: string };
  /** Hidden dense layers, in order (none for a linear classifier). */
  hidden: HiddenDense[];
  /** Dropout rate of every dropout layer the layout names (none named: leave it out). */
  rate?: number;
  /** Dropout just before the output layer (GoogLeNet's `dropout`), by name. */
  dropoutBeforeOutput?: string;
  /** Name of the output dense layer (`numClasses` units, `outputActivation`). */
  output: string;
}

/**
 * The classifier head shared by the builders: flatten (or global average pooling), hidden dense
 * layers with the builder's activation and dropout, then a dense layer of `numClasses` units.
 * Layer names come from `layout`, so each builder keeps its paper's / torchvision's names.
 */
export function classifierHead(
  x: tfl.SymbolicTensor,
  o: Resolved,
  layout: HeadLayout,
): tfl.SymbolicTensor {
  const dense = (name: string, units: number, activation: string) =>
    tfl.layers.dense({
      name,
      units,
      activation: activation as 'relu',
      kernelInitializer: o.kernelInitializer,
    });
  const dropout = (name: string) => tfl.layers.dropout({ name, rate: layout.rate ?? 0 });
  const { kind, name } = layout.reduce;
  let y = call(
    kind === 'flatten' ? tfl.layers.flatten({ name }) : tfl.layers.globalAveragePooling2d({ name }),
    x,
  );
  for (const h of layout.hidden) {
    if (h.dropoutBefore) y = call(dropout(h.dropoutBefore), y);
    y = separateActivation(call(dense(h.name, h.units, inlineActivation(o)), y), o, h.name);
    if (h.dropoutAfter) y = call(dropout(h.dropoutAfter), y);
  }
  if (layout.dropoutBeforeOutput) y = call(dropout(layout.dropoutBeforeOutput), y);
  return call(dense(layout.output, o.numClasses, o.outputActivation), y);
}

/** The ResNets' head (torchvision's): global average pooling `avgpool`, then the logits `fc`. */
export const AVGPOOL_FC_HEAD: HeadLayout = {
  reduce: { kind: 'globalAvg', name: 'avgpool' },
  hidden: [],
  output: 'fc',
};

/**
 * A builder's model from its input and feature volume: with `includeTop`, the classifier head of
 * `layout` on top; without, the features (pooled as `o.pooling` says).
 */
export function withHead(
  input: tfl.SymbolicTensor,
  features: tfl.SymbolicTensor,
  o: Resolved,
  layout: HeadLayout,
  name: string,
): tfl.LayersModel {
  const outputs = o.includeTop
    ? classifierHead(features, o, layout)
    : poolFeatures(features, o.pooling);
  return tfl.model({ inputs: input, outputs, name });
}

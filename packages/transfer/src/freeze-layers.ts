import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ConfigError, matchesName, namePattern } from '@trainkit/core';
import { resolveLayerIndex } from './resolve-layer';

/** Which layers {@link freezeLayers} / {@link unfreezeLayers} touch: a name pattern, a depth range, or both (AND). */
export interface LayerSelection {
  /** Glob(s) over layer names (`'conv2d*'`, `/^block[12]/`), see core `matchesName`. */
  pattern?: string | RegExp | (string | RegExp)[];
  /** First layer (name or index, inclusive). Default 0. */
  from?: string | number;
  /** Last layer (name or index, inclusive). Default the last layer. */
  to?: string | number;
}

type Layer = LayersModel['layers'][number];
type Kwargs = Parameters<Layer['call']>[1];
const PATCHED = Symbol.for('trainkit.transfer.frozenBatchNorm');

/**
 * Stock tfjs-layers BatchNormalization ignores `trainable` in `call`: a "frozen" BN still
 * normalises with batch statistics and updates its moving mean/variance in training mode. Keras
 * (>= 2.1.3) runs a non-trainable BN in inference mode; this patch gives the layer that meaning.
 */
function patchBatchNorm(layer: Layer): void {
  const l = layer as Layer & { [PATCHED]?: boolean };
  if (l[PATCHED] || layer.getClassName() !== 'BatchNormalization') return;
  const call = layer.call.bind(layer);
  layer.call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs) =>
    call(inputs, { ...kwargs, training: (kwargs?.training ?? false) && layer.trainable });
  l[PATCHED] = true;
}

function select(model: LayersModel, sel: LayerSelection): Layer[] {
  if (!model || !Array.isArray(model.layers)) {
    throw new ConfigError('not a tfjs-layers model', {
      argument: 'model',
      expected: 'a LayersModel',
      received: model,
    });
  }
  const from = resolveLayerIndex(model, sel.from ?? 0, 'selection.from');
  const to = resolveLayerIndex(model, sel.to ?? -1, 'selection.to');
  if (from > to) {
    throw new ConfigError('empty depth range', {
      argument: 'selection.to',
      expected: `a layer at or after index ${from}`,
      received: sel.to,
    });
  }
  const patterns =
    sel.pattern === undefined ? [] : Array.isArray(sel.pattern) ? sel.pattern : [sel.pattern];
  for (const p of patterns) if (typeof p === 'string') namePattern(p);
  const picked = model.layers
    .slice(from, to + 1)
    .filter((l) => patterns.length === 0 || patterns.some((p) => matchesName(p, l.name)));
  if (picked.length === 0) {
    throw new ConfigError('the selection matches no layer', {
      argument: 'selection.pattern',
      expected: `a pattern matching one of ${model.layers.map((l) => l.name).join(', ')}`,
      received: sel.pattern,
    });
  }
  return picked;
}

/**
 * Freezes the selected layers: their weights leave `model.trainableWeights` (so trainkit's `fit`
 * and optimizers skip them), and frozen BatchNormalization layers run in inference mode during
 * training, so their moving statistics stay bit-identical (Keras semantics). Call before `fit`.
 * Returns the names of the layers frozen.
 *
 * @example freezeLayers(model, { to: 'conv2d_3' }); // freeze the early layers
 * @example freezeLayers(model, { pattern: 'batch_normalization*' });
 */
export function freezeLayers(model: LayersModel, selection: LayerSelection = {}): string[] {
  const layers = select(model, selection);
  for (const l of layers) {
    patchBatchNorm(l);
    l.trainable = false;
  }
  return layers.map((l) => l.name);
}

/**
 * Unfreezes the selected layers (the reverse of {@link freezeLayers}); for gradual unfreezing,
 * unfreeze deeper ranges between `fit` calls. Returns the names of the layers unfrozen.
 * @example unfreezeLayers(model, { from: -4 }); // the top four layers
 */
export function unfreezeLayers(model: LayersModel, selection: LayerSelection = {}): string[] {
  const layers = select(model, selection);
  for (const l of layers) l.trainable = true;
  return layers.map((l) => l.name);
}

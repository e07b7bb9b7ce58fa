import type { LayersModel } from '@tensorflow/tfjs-layers';

/** One row of {@link listLayers}. */
export interface LayerInfo {
  index: number;
  name: string;
  className: string;
  /** Output shape with `null` for the batch dimension (first output for multi-output layers). */
  outputShape: (number | null)[];
  /** Number of weights (trainable and not). */
  params: number;
  trainable: boolean;
}

/**
 * The layers of a model in order, with class, output shape, parameter count and trainability.
 * @example for (const l of listLayers(model)) console.log(l.index, l.name, l.outputShape);
 */
export function listLayers(model: LayersModel): LayerInfo[] {
  return model.layers.map((layer, index) => {
    const shape = layer.outputShape;
    const first = (Array.isArray(shape[0]) || shape[0] === undefined ? shape[0] : shape) as
      | (number | null)[]
      | undefined;
    return {
      index,
      name: layer.name,
      className: layer.getClassName(),
      outputShape: [...(first ?? [])],
      params: layer.countParams(),
      trainable: layer.trainable,
    };
  });
}

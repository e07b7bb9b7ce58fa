import * as tf from '@tensorflow/tfjs-core';
import {
  backend_util,
  type GradConfig,
  getGradient,
  type NamedAttrMap,
  registerGradient,
  type Tensor,
  util,
} from '@tensorflow/tfjs-core';

// dy broadcast back over the reduced axes, times ones made by the backend's Fill kernel.
// tfjs 4.22's Mean and Sum gradients build those ones as a JavaScript array of x's full size
// and upload it (makeOnesTypedArray): ~10 ms per 64x32x32x32 activation on wasm, ten times
// per small-ResNet step (batch norm's moments). Same operations otherwise, same values.
function spread(dy: Tensor, x: Tensor, attrs: NamedAttrMap): { x: Tensor; size: number } {
  const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape);
  const [, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const ones = tf.fill(x.shape, 1, 'float32');
  return { x: tf.mul(tf.reshape(dy, expanded), ones), size: util.sizeFromShape(reduceShape) };
}

const meanGrad: GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => ({
    x: () => {
      const { x, size } = spread(dy as Tensor, saved[0] as Tensor, attrs);
      return tf.div(x, tf.scalar(size, 'float32'));
    },
  }),
};

const sumGrad: GradConfig = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => ({
    x: () => spread(dy as Tensor, saved[0] as Tensor, attrs).x,
  }),
};

const replaced = new Map<string, GradConfig | undefined>();

/**
 * Registers the Mean and Sum gradients above (gradients are global in tfjs, not per
 * backend: they help every backend and change no value). Idempotent; undone by
 * {@link restoreReduceGradients}.
 */
export function installReduceGradients(): void {
  if (replaced.size > 0) return;
  for (const config of [meanGrad, sumGrad]) {
    replaced.set(config.kernelName, getGradient(config.kernelName));
    registerGradient(config);
  }
}

/** Puts back the gradients {@link installReduceGradients} replaced. */
export function restoreReduceGradients(): void {
  for (const previous of replaced.values()) {
    if (previous) registerGradient(previous);
  }
  replaced.clear();
}

import {
  backend_util,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from './kernel-call';

/**
 * `Conv2DBackpropInput` (NHWC) expressed through the backend's forward `Conv2D`: the input
 * gradient of a stride-s convolution is a stride-1 "full" convolution of dy, dilated by s
 * (s - 1 zeros between rows/columns), with the filter rotated 180 degrees and its in/out
 * channels swapped (Dumoulin & Visin 2016, sec. 4.5, transposed convolution). Padding that
 * would be negative becomes a crop of the dilated dy.
 *
 * `fallback` handles what this route does not (NCHW).
 */
export function conv2dBackpropInputKernel(
  backendName: string,
  fallback?: KernelFunc,
): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs } = args;
    const backend = args.backend as KernelBackend;
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
    const dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
    if (format !== 'channelsLast' && fallback) return fallback(args);
    const info = backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      format,
    );
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const { inHeight: H, inWidth: W, outHeight: oh, outWidth: ow, outChannels: co } = info;
    const b = info.batchSize;
    const call = (name: string, ins: Record<string, TensorInfo>, at: object) =>
      callKernel(name, backend, backendName, ins, at as never);

    // 1. Dilate dy by the stride: [b, oh, ow, co] -> [b, oh*sh, ow*sw, co] (trailing zeros).
    let dyD = dy;
    let owned = false;
    if (sh > 1 || sw > 1) {
      const r = call('Reshape', { x: dy }, { shape: [b, oh, 1, ow, 1, co] });
      const p = call(
        'PadV2',
        { x: r },
        {
          paddings: [
            [0, 0],
            [0, 0],
            [0, sh - 1],
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      dyD = call('Reshape', { x: p }, { shape: [b, oh * sh, ow * sw, co] });
      release(backend, r, p);
      owned = true;
    }
    // 2. Full-convolution padding; negative amounts crop instead.
    const hd = oh * sh;
    const wd = ow * sw;
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = H + kh - 1 - hd - top;
    const right = W + kw - 1 - wd - left;
    if (top < 0 || left < 0 || bottom < 0 || right < 0) {
      const t0 = Math.max(0, -top);
      const l0 = Math.max(0, -left);
      const size = [b, hd - t0 - Math.max(0, -bottom), wd - l0 - Math.max(0, -right), co];
      const cropped = call('Slice', { x: dyD }, { begin: [0, t0, l0, 0], size });
      if (owned) release(backend, dyD);
      dyD = cropped;
      owned = true;
    }
    // 3. Filter [kh, kw, ci, co] -> rotated 180 degrees, [kh, kw, co, ci].
    const rev = call('Reverse', { x: filter }, { dims: [0, 1] });
    const wT = call('Transpose', { x: rev }, { perm: [0, 1, 3, 2] });
    release(backend, rev);
    const dx = call(
      'Conv2D',
      { x: dyD, filter: wT },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [Math.max(0, top), Math.max(0, bottom)],
          [Math.max(0, left), Math.max(0, right)],
          [0, 0],
        ],
        dilations: [1, 1],
        dataFormat: 'NHWC',
      },
    );
    release(backend, wT);
    if (owned) release(backend, dyD);
    return dx;
  };
  return { kernelName: 'Conv2DBackpropInput', backendName, kernelFunc };
}

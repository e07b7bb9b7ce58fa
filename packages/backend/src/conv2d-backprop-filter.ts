import {
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from './kernel-call';

/**
 * `Conv2DBackpropFilter` (NHWC) expressed through the backend's forward `Conv2D`, which on
 * wasm runs XNNPACK's packed GEMM. The weight gradient of y = conv(x, W) with stride s,
 *   dW[i, j, c, o] = sum_{b, p, q} x[b, p*s + i - pt, q*s + j - pl, c] * dy[b, p, q, o],
 * is itself a stride-1 convolution of x^T (channels as batch, batch as channels, [C, H, W, B])
 * with dy^T ([OH, OW, B, O]) dilated by s — the standard transposition trick (Dumoulin & Visin
 * 2016, "A guide to convolution arithmetic", sec. 4). The result [C, KH', KW', O] is cropped
 * to [C, KH, KW, O] and transposed to [KH, KW, C, O].
 *
 * `fallback` handles what this route does not (NCHW).
 */
export function conv2dBackpropFilterKernel(
  backendName: string,
  fallback?: KernelFunc,
): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs } = args;
    const backend = args.backend as KernelBackend;
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    const x = inputs.x as TensorInfo;
    const dy = inputs.dy as TensorInfo;
    const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
    if (format !== 'channelsLast' && fallback) return fallback(args);
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      format,
    );
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const [, H, W] = x.shape as number[];
    const { top, left } = info.padInfo;
    // Pad bottom/right just enough that the stride-1 conv covers every filter tap.
    const bottom = Math.max(0, kh + sh * (info.outHeight - 1) - (H as number) - top);
    const right = Math.max(0, kw + sw * (info.outWidth - 1) - (W as number) - left);
    const call = (name: string, ins: Record<string, TensorInfo>, at: object) =>
      callKernel(name, backend, backendName, ins, at as never);

    const xT = call('Transpose', { x }, { perm: [3, 1, 2, 0] });
    const dyT = call('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const conv = call(
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dilations: [sh, sw],
        dataFormat: 'NHWC',
      },
    );
    release(backend, xT, dyT);
    let cropped = conv;
    const [c, gh, gw, o] = conv.shape as number[];
    if (gh !== kh || gw !== kw) {
      cropped = call('Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [c, kh, kw, o] });
      release(backend, conv);
    }
    const dW = call('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
    release(backend, cropped);
    return dW;
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc };
}

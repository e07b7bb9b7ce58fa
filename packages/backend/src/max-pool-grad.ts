import {
  backend_util,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from './kernel-call';

// What this kernel needs of the wasm backend: views on its heap and heap-allocated outputs.
interface HeapBackend {
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}
const hasHeap = (b: object): b is HeapBackend =>
  typeof (b as Partial<HeapBackend>).typedArrayFromHeap === 'function' &&
  typeof (b as Partial<HeapBackend>).makeOutput === 'function';

/**
 * dx of max pooling (NHWC), written straight into the wasm heap: each window's gradient goes
 * to its FIRST maximum in row-major order, NaN never wins, padded positions are skipped —
 * tfjs's reference `cpu` convention. One pass over the windows with the channels innermost.
 */
export function maxPoolGradInto(
  info: backend_util.Conv2DInfo,
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C } = info;
  const { outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top, left } = info.padInfo;
  dx.fill(0);
  const inside = top === 0 && left === 0 && 2 * OH <= H && 2 * OW <= W;
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && inside) {
    pool2x2(B, H, W, C, OH, OW, x, dy, dx);
    return;
  }
  for (let b = 0; b < B; b++) {
    const xb = b * H * W * C;
    for (let p = 0; p < OH; p++) {
      const h0 = Math.max(0, p * sh - top);
      const h1 = Math.min(H, p * sh - top + fh);
      for (let q = 0; q < OW; q++) {
        const w0 = Math.max(0, q * sw - left);
        const w1 = Math.min(W, q * sw - left + fw);
        const d0 = ((b * OH + p) * OW + q) * C;
        for (let c = 0; c < C; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let h = h0; h < h1; h++) {
            const row = xb + h * W * C + c;
            for (let w = w0; w < w1; w++) {
              const k = row + w * C;
              const v = x[k] as number;
              if (v > best) {
                best = v;
                at = k;
              }
            }
          }
          if (at >= 0) dx[at] = (dx[at] as number) + (dy[d0 + c] as number);
        }
      }
    }
  }
}

// The common 2x2 stride-2 case (windows never overlap nor leave the input), unrolled.
function pool2x2(
  B: number,
  H: number,
  W: number,
  C: number,
  OH: number,
  OW: number,
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
): void {
  let d = 0;
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < OH; p++) {
      for (let q = 0; q < OW; q++) {
        const i00 = ((b * H + 2 * p) * W + 2 * q) * C;
        const i10 = i00 + W * C;
        for (let c = 0; c < C; c++, d++) {
          // First maximum in row-major order; NaN never wins (as in the general loop).
          let at = -1;
          let best = Number.NEGATIVE_INFINITY;
          let v = x[i00 + c] as number;
          if (v > best) {
            best = v;
            at = i00 + c;
          }
          v = x[i00 + C + c] as number;
          if (v > best) {
            best = v;
            at = i00 + C + c;
          }
          v = x[i10 + c] as number;
          if (v > best) {
            best = v;
            at = i10 + c;
          }
          v = x[i10 + C + c] as number;
          if (v > best) at = i10 + C + c;
          if (at >= 0) dx[at] = (dx[at] as number) + (dy[d] as number);
        }
      }
    }
  }
}

/**
 * `MaxPoolGrad` for wasm as one pass over the heap ({@link maxPoolGradInto}). It replaces
 * tfjs-backend-wasm 4.22's kernel, which is slow (~13 ms for LeNet's first pooling layer at
 * batch 64, the largest single kernel of a LeNet step) and wrong: it starts each window's
 * running maximum at 0, so a window whose values are all <= 0 passes no gradient.
 * On a backend without heap views `original` runs on x - min(x) + 1 >= 1 (pooling is
 * invariant to the shift), where that bug cannot trigger.
 */
export function maxPoolGradKernel(backendName: string, original: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const x = args.inputs.input as TensorInfo;
    const dy = args.inputs.dy as TensorInfo;
    const attrs = args.attrs as unknown as MaxPoolGradAttrs;
    if (hasHeap(backend) && x.dtype === 'float32' && dy.dtype === 'float32') {
      const info = backend_util.computePool2DInfo(
        x.shape as [number, number, number, number],
        attrs.filterSize,
        attrs.strides,
        1,
        attrs.pad,
        attrs.dimRoundingMode,
      );
      const out = backend.makeOutput([...x.shape], 'float32');
      // Views after the allocation: growing the heap detaches earlier ones.
      maxPoolGradInto(
        info,
        backend.typedArrayFromHeap(x),
        backend.typedArrayFromHeap(dy),
        backend.typedArrayFromHeap(out),
      );
      return out;
    }
    const call = (name: string, ins: Record<string, TensorInfo>, at: object) =>
      callKernel(name, backend, backendName, ins, at as never);
    const lowest = call('Min', { x }, { axis: x.shape.map((_, i) => i), keepDims: false });
    const one = call('Fill', {}, { shape: [], value: 1, dtype: 'float32' });
    const offset = call('Sub', { a: one, b: lowest }, {});
    const positive = call('Add', { a: x, b: offset }, {});
    release(backend, lowest, one, offset);
    const dx = original({
      inputs: { ...args.inputs, input: positive },
      attrs: attrs as never,
      backend,
    }) as TensorInfo;
    release(backend, positive);
    return dx;
  };
  return { kernelName: 'MaxPoolGrad', backendName, kernelFunc };
}

import {
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';

interface HeapBackend {
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}
const hasHeap = (b: object): b is HeapBackend =>
  typeof (b as Partial<HeapBackend>).typedArrayFromHeap === 'function' &&
  typeof (b as Partial<HeapBackend>).makeOutput === 'function';

// out[c] = sum_r x[r, c] / divisor, in double precision (JS numbers; tfjs's cpu kernels sum
// the same way). Eight rows per pass keep the accumulator traffic low: ~1.8 ms for
// 65536 x 32 against ~3.8 ms row by row.
function sumRows(x: Float32Array, R: number, C: number, divisor: number, out: Float32Array): void {
  const acc = new Float64Array(C);
  const R8 = R - (R % 8);
  let r = 0;
  for (; r < R8; r += 8) {
    for (let c = 0, k = r * C; c < C; c++, k++) {
      const lo = (x[k] as number) + (x[k + C] as number) + (x[k + 2 * C] as number);
      const mid = (x[k + 3 * C] as number) + (x[k + 4 * C] as number) + (x[k + 5 * C] as number);
      const hi = (x[k + 6 * C] as number) + (x[k + 7 * C] as number);
      acc[c] = (acc[c] as number) + (lo + mid + hi);
    }
  }
  for (; r < R; r++) {
    for (let c = 0, k = r * C; c < C; c++, k++) acc[c] = (acc[c] as number) + (x[k] as number);
  }
  for (let c = 0; c < C; c++) out[c] = (acc[c] as number) / divisor;
}

/**
 * `Sum` / `Mean` over leading axes as one pass over the wasm heap. Batch norm's statistics
 * and gradients reduce [N, H, W, C] over N, H and W (36 calls per small-ResNet step); wasm's
 * own kernels first transpose the reduced axes innermost, ~12 ms per 64x32x32x32 tensor.
 * Read as rows [R, C], the sum is a running per-channel sum in cache order. (A GEMM
 * ones [1, R] @ x [R, C] is fast only when XNNPACK has already packed x: fresh activations
 * cost ~10 ms to pack.) Other patterns (the innermost axis among the reduced ones,
 * non-contiguous or non-leading axes, non-float dtypes, other backends) go to `original`.
 */
export function reduceKernel(
  kernelName: 'Sum' | 'Mean',
  backendName: string,
  original: KernelFunc,
): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend | (KernelBackend & HeapBackend);
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const rank = x.shape.length;
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const first = axes[0] as number;
    const last = axes.at(-1) as number;
    const contiguous = axes.every((a, i) => a === first + i);
    if (x.dtype !== 'float32' || axes.length === 0 || !contiguous || last === rank - 1) {
      return original(args);
    }
    const prod = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    const P = prod(x.shape.slice(0, first));
    const R = prod(x.shape.slice(first, last + 1));
    const C = prod(x.shape.slice(last + 1));
    if (P !== 1 || R === 0 || C === 0 || !hasHeap(backend)) return original(args);
    const kept = x.shape.filter((_, i) => i < first || i > last);
    const shape = keepDims ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d)) : kept;
    const out = backend.makeOutput(shape, 'float32');
    // Views after the allocation: growing the heap detaches earlier ones.
    sumRows(
      backend.typedArrayFromHeap(x),
      R,
      C,
      kernelName === 'Mean' ? R : 1,
      backend.typedArrayFromHeap(out),
    );
    return out;
  };
  return { kernelName, backendName, kernelFunc };
}

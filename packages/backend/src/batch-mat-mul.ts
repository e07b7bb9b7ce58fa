import type {
  BatchMatMulAttrs,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from './kernel-call';

/**
 * `BatchMatMul` with `transposeA`/`transposeB` rewritten as explicit transposes followed by
 * the backend's own plain matmul. wasm's plain path is XNNPACK's packed GEMM; its transposed
 * variants are several times slower — and they are exactly the products of every dense
 * layer's backward pass (dx = dy W^T, dW = x^T dy). Untransposed calls go straight to
 * `original`.
 */
export function batchMatMulKernel(backendName: string, original: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as unknown as BatchMatMulAttrs;
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const backend = args.backend as KernelBackend;
    // Swap the last two axes (the kernel sees rank >= 2; leading axes are batch).
    const swapLast = (t: TensorInfo): TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
      return callKernel('Transpose', backend, backendName, { x: t }, { perm });
    };
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const aT = attrs.transposeA ? swapLast(a) : a;
    const bT = attrs.transposeB ? swapLast(b) : b;
    const out = original({
      inputs: { a: aT, b: bT },
      attrs: { ...attrs, transposeA: false, transposeB: false } as never,
      backend,
    }) as TensorInfo;
    if (attrs.transposeA) release(backend, aT);
    if (attrs.transposeB) release(backend, bT);
    return out;
  };
  return { kernelName: 'BatchMatMul', backendName, kernelFunc };
}

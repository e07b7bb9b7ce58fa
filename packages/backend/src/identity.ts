import type {
  CastAttrs,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from './kernel-call';

// Tensors are immutable in tfjs, so an identity can share its input's buffer: one more
// reference, as tfjs's cpu backend (and wasm's own Reshape) do.
function share(backend: KernelBackend, x: TensorInfo): TensorInfo {
  (backend as KernelBackend & { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/**
 * `Identity` for wasm without a copy. tfjs-backend-wasm 4.22 copies the buffer with
 * `TypedArray.set` between two views of the same heap, which V8 treats as a possible
 * overlap: ~1-2 ms per 8 MB tensor, 56 calls in a small-ResNet step (the gradient tape
 * clones dy). Strings go to `original`.
 */
export function identityKernel(backendName: string, original: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original(args);
    return share(args.backend as KernelBackend, x);
  };
  return { kernelName: 'Identity', backendName, kernelFunc };
}

/**
 * `Cast` for wasm: to the dtype it already has, a shared buffer; to bool, x != 0 (stock wasm
 * copies the numbers, so int32 3 stayed 3 as a "bool"); otherwise `original`.
 */
export function castKernel(backendName: string, original: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { dtype } = args.attrs as unknown as CastAttrs;
    const backend = args.backend as KernelBackend;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original(args);
    if (dtype === x.dtype) return share(backend, x);
    if (dtype === 'bool') {
      const zero = callKernel('Fill', backend, backendName, {}, {
        shape: [],
        value: 0,
        dtype: x.dtype,
      } as never);
      const out = callKernel('NotEqual', backend, backendName, { a: x, b: zero });
      release(backend, zero);
      return out;
    }
    return original(args);
  };
  return { kernelName: 'Cast', backendName, kernelFunc };
}

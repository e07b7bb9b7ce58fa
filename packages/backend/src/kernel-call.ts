import {
  getKernel,
  type KernelBackend,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { ConfigError } from '@trainkit/core';

/**
 * Runs one registered kernel directly on a backend, below the engine: no tensors are
 * tracked, so the caller must {@link release} every TensorInfo it gets back.
 * Composite kernels are built from these calls (the pattern tfjs's own kernels use).
 */
export function callKernel(
  kernelName: string,
  backend: KernelBackend,
  backendName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(kernelName, backendName);
  if (kernel === undefined) {
    throw new ConfigError(`kernel "${kernelName}" is not registered`, {
      argument: 'backend',
      expected: `a backend "${backendName}" that has ${kernelName}`,
    });
  }
  const out = kernel.kernelFunc({ inputs, attrs, backend });
  return (Array.isArray(out) ? out[0] : out) as TensorInfo;
}

/** Drops one backend reference to each intermediate result. */
export function release(backend: KernelBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

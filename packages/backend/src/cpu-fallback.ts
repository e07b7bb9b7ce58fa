import {
  type BackendValues,
  type DataType,
  engine,
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { ConfigError } from '@trainkit/core';

type InfoBackend = KernelBackend;
const put = (b: KernelBackend, shape: number[], dtype: DataType, values: BackendValues) => ({
  dataId: b.write(values, shape, dtype),
  shape,
  dtype,
});

/**
 * A kernel for `backendName` that copies its inputs to the tfjs `cpu` backend, runs the cpu
 * kernel there and copies the result back. Correct and leak-free, not fast: it fills gaps
 * (wasm has no depthwise backprops or UnsortedSegmentSum) so that training works at all.
 */
export function cpuFallbackKernel(kernelName: string, backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, attrs, ...rest }) => {
    const backend = rest.backend as InfoBackend;
    const cpu = engine().findBackend('cpu') as InfoBackend | null;
    const cpuKernel = getKernel(kernelName, 'cpu');
    if (cpu === null || cpuKernel === undefined) {
      throw new ConfigError(`${kernelName} on ${backendName} needs the cpu backend`, {
        argument: 'backend',
        expected: "'@tensorflow/tfjs-backend-cpu' imported",
      });
    }
    const copies: Record<string, TensorInfo> = {};
    for (const [name, info] of Object.entries(inputs)) {
      const t = info as TensorInfo;
      const values = backend.readSync(t.dataId) as Float32Array;
      copies[name] = put(cpu, t.shape, t.dtype as DataType, values.slice());
    }
    const raw = cpuKernel.kernelFunc({ inputs: copies, attrs, backend: cpu });
    const out = (Array.isArray(raw) ? raw[0] : raw) as TensorInfo;
    const values = cpu.readSync(out.dataId) as Float32Array;
    const result = put(backend, out.shape, out.dtype as DataType, values);
    for (const c of Object.values(copies)) cpu.disposeData(c.dataId);
    cpu.disposeData(out.dataId);
    return result;
  };
  return { kernelName, backendName, kernelFunc };
}

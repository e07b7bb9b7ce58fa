import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  MaxPoolGradAttrs,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from './kernel-call';

/**
 * A correct `MaxPoolGrad` for wasm. tfjs-backend-wasm 4.22's own kernel starts each window's
 * running maximum at 0, so a window whose values are all <= 0 passes no gradient at all
 * (tfjs's reference routes dy to the window's first maximum). Max pooling is invariant to
 * adding a constant, so this runs `original` on x - min(x) + 1 >= 1, where that bug cannot
 * trigger: three cheap elementwise kernels in front of the native one. (Only values closer
 * than one float32 ulp at the shifted magnitude could merge into a tie.)
 */
export function maxPoolGradKernel(backendName: string, original: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const x = args.inputs.input as TensorInfo;
    const call = (name: string, ins: Record<string, TensorInfo>, at: object) =>
      callKernel(name, backend, backendName, ins, at as never);
    const lowest = call('Min', { x }, { axis: x.shape.map((_, i) => i), keepDims: false });
    const one = call('Fill', {}, { shape: [], value: 1, dtype: 'float32' });
    const offset = call('Sub', { a: one, b: lowest }, {});
    const positive = call('Add', { a: x, b: offset }, {});
    release(backend, lowest, one, offset);
    const dx = original({
      inputs: { ...args.inputs, input: positive },
      attrs: args.attrs as unknown as MaxPoolGradAttrs as never,
      backend,
    }) as TensorInfo;
    release(backend, positive);
    return dx;
  };
  return { kernelName: 'MaxPoolGrad', backendName, kernelFunc };
}

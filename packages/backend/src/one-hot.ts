import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  OneHotAttrs,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from './kernel-call';

/**
 * `OneHot` that honours its dtype on wasm. tfjs-backend-wasm 4.22's kernel always writes
 * int32 values, so a float32 one-hot (the labels of every classification loss) comes out as
 * reinterpreted bits: 7e-45 and NaN. This runs `original` as an int32 0/1 mask, casts it and
 * maps it to offValue + (onValue - offValue) * mask (exact for 0/1 masks).
 */
export function oneHotKernel(backendName: string, original: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as unknown as OneHotAttrs;
    if (attrs.dtype !== 'float32') return original(args);
    const backend = args.backend as KernelBackend;
    const call = (name: string, ins: Record<string, TensorInfo>, at: object) =>
      callKernel(name, backend, backendName, ins, at as never);
    const mask = original({
      ...args,
      attrs: { ...attrs, onValue: 1, offValue: 0, dtype: 'int32' } as never,
    }) as TensorInfo;
    const ones = call('Cast', { x: mask }, { dtype: 'float32' });
    release(backend, mask);
    const { onValue: on, offValue: off } = attrs;
    if (on === 1 && off === 0) return ones;
    const scale = call('Fill', {}, { shape: [], value: on - off, dtype: 'float32' });
    const shift = call('Fill', {}, { shape: [], value: off, dtype: 'float32' });
    const scaled = call('Multiply', { a: ones, b: scale }, {});
    const out = call('Add', { a: scaled, b: shift }, {});
    release(backend, ones, scale, shift, scaled);
    return out;
  };
  return { kernelName: 'OneHot', backendName, kernelFunc };
}

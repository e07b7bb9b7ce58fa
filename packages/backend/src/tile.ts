import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  TensorInfo,
  TileAttrs,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from './kernel-call';

// XNNPACK's broadcasting add handles at most 6 dimensions.
const MAX_RANK = 6;

/**
 * `Tile` as one broadcasting add: out viewed as [r0, d0, r1, d1, ...] equals x viewed as
 * [1, d0, 1, d1, ...] plus zeros of shape [r0, 1, r1, 1, ...]. Dimensions with rep 1 are
 * merged with their neighbours, so typical gradient tiles need rank 2-4. Falls back to
 * `fallback` (the backend's own Tile) for non-numeric dtypes or more than 6 merged dims.
 */
export function tileKernel(backendName: string, fallback: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs } = args;
    const backend = args.backend as KernelBackend;
    const { reps } = args.attrs as unknown as TileAttrs;
    const x = inputs.x as TensorInfo;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return fallback(args);
    // Interleave (rep, dim) pairs, dropping reps of 1 and merging runs of the same kind.
    const kinds: ('r' | 'd')[] = [];
    const sizes: number[] = [];
    const push = (kind: 'r' | 'd', n: number) => {
      if (kinds.at(-1) === kind) sizes[sizes.length - 1] = (sizes.at(-1) as number) * n;
      else {
        kinds.push(kind);
        sizes.push(n);
      }
    };
    x.shape.forEach((d, i) => {
      const r = reps[i] ?? 1;
      if (r !== 1) push('r', r);
      push('d', d);
    });
    if (sizes.length > MAX_RANK) return fallback(args);
    const call = (name: string, ins: Record<string, TensorInfo>, at: object) =>
      callKernel(name, backend, backendName, ins, at as never);
    const xShape = sizes.map((n, i) => (kinds[i] === 'd' ? n : 1));
    const zShape = sizes.map((n, i) => (kinds[i] === 'r' ? n : 1));
    const xv = call('Reshape', { x }, { shape: xShape });
    const zeros = call('Fill', {}, { shape: zShape, value: 0, dtype: x.dtype });
    const sum = call('Add', { a: xv, b: zeros }, {});
    const out = call('Reshape', { x: sum }, { shape: x.shape.map((d, i) => d * (reps[i] ?? 1)) });
    release(backend, xv, zeros, sum);
    return out;
  };
  return { kernelName: 'Tile', backendName, kernelFunc };
}

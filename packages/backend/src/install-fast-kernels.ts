import {
  findBackendFactory,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { assertOneOf, ConfigError } from '@trainkit/core';
import { batchMatMulKernel } from './batch-mat-mul';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input';
import { cpuFallbackKernel } from './cpu-fallback';
import { castKernel, identityKernel } from './identity';
import { maxPoolGradKernel } from './max-pool-grad';
import { oneHotKernel } from './one-hot';
import { installReduceGradients, restoreReduceGradients } from './reduce-gradients';
import { reduceKernel } from './reduce-kernel';
import { tileKernel } from './tile';

/** Backends that {@link installFastKernels} knows how to speed up. */
export const FAST_KERNEL_BACKENDS = ['wasm', 'cpu'] as const;
export type FastKernelBackend = (typeof FAST_KERNEL_BACKENDS)[number];

/** What {@link installFastKernels} registered. */
export interface InstalledKernels {
  backend: FastKernelBackend;
  /** Kernel names now served by trainkit's implementations. */
  kernels: string[];
}

// The kernels each backend had before we replaced them (undefined: it had none).
const originals = new Map<string, KernelConfig | undefined>();
const key = (backend: string, kernel: string) => `${backend}/${kernel}`;

function kernelsFor(backend: FastKernelBackend): KernelConfig[] {
  const original = (name: string): KernelFunc | undefined => getKernel(name, backend)?.kernelFunc;
  const orCpu = (name: string): KernelFunc =>
    original(name) ?? cpuFallbackKernel(name, backend).kernelFunc;
  const list = [
    conv2dBackpropFilterKernel(backend, orCpu('Conv2DBackpropFilter')),
    conv2dBackpropInputKernel(backend, orCpu('Conv2DBackpropInput')),
  ];
  if (backend === 'wasm') {
    const matMul = original('BatchMatMul');
    if (matMul) list.push(batchMatMulKernel(backend, matMul));
    const maxPoolGrad = original('MaxPoolGrad');
    if (maxPoolGrad) list.push(maxPoolGradKernel(backend, maxPoolGrad));
    const tile = original('Tile');
    if (tile) list.push(tileKernel(backend, tile));
    const identity = original('Identity');
    if (identity) list.push(identityKernel(backend, identity));
    const cast = original('Cast');
    if (cast) list.push(castKernel(backend, cast));
    const oneHot = original('OneHot');
    if (oneHot) list.push(oneHotKernel(backend, oneHot));
    for (const name of ['Sum', 'Mean'] as const) {
      const reduce = original(name);
      if (reduce) list.push(reduceKernel(name, backend, reduce));
    }
    for (const name of [
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'UnsortedSegmentSum',
    ]) {
      if (original(name) === undefined) list.push(cpuFallbackKernel(name, backend));
    }
  }
  return list;
}

/**
 * Registers trainkit's training kernels for a tfjs backend, replacing slow ones and filling
 * the gaps that keep it from training: on `wasm`, Conv2DBackpropFilter (missing in tfjs
 * 4.22) and Conv2DBackpropInput through XNNPACK's forward conv, BatchMatMul with a
 * transposed operand through an explicit transpose, MaxPoolGrad as one pass over the heap
 * (also fixing windows whose maximum is <= 0), Sum/Mean over leading axes as one GEMM, Tile
 * through a broadcasting add, OneHot honouring its dtype, Identity and same-dtype Cast without
 * a copy, and the depthwise backprops and UnsortedSegmentSum through the cpu kernels; plus
 * Mean/Sum gradients whose ones come from the backend's Fill (global, value-neutral); on
 * `cpu`, the two conv backprops through the forward conv. Import the backend's package (and
 * tfjs-layers or the gradients) first. Idempotent; undo with {@link uninstallFastKernels}.
 *
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * installFastKernels('wasm');
 * await tf.setBackend('wasm'); // model.fit now trains CNNs on wasm
 */
export function installFastKernels(backend: FastKernelBackend = 'wasm'): InstalledKernels {
  assertOneOf('backend', backend, FAST_KERNEL_BACKENDS);
  if (findBackendFactory(backend) === null) {
    throw new ConfigError(`backend "${backend}" is not registered`, {
      argument: 'backend',
      expected: `'@tensorflow/tfjs-backend-${backend}' imported before installFastKernels`,
    });
  }
  const installed = installedKernels(backend);
  if (installed.length > 0) return { backend, kernels: installed };
  const kernels: string[] = [];
  for (const config of kernelsFor(backend)) {
    const previous = getKernel(config.kernelName, backend);
    originals.set(key(backend, config.kernelName), previous);
    if (previous) unregisterKernel(config.kernelName, backend);
    // Keep the original's setup (wasm kernels bind their C functions there) so that the
    // original stays callable as our fallback.
    registerKernel({ ...config, setupFunc: previous?.setupFunc });
    kernels.push(config.kernelName);
  }
  if (backend === 'wasm') installReduceGradients();
  return { backend, kernels };
}

/** The kernel names trainkit currently serves on `backend` (empty when not installed). */
export function installedKernels(backend: FastKernelBackend = 'wasm'): string[] {
  return [...originals.keys()]
    .filter((k) => k.startsWith(`${backend}/`))
    .map((k) => k.slice(backend.length + 1));
}

/**
 * Restores the kernels {@link installFastKernels} replaced on `backend`.
 * @example uninstallFastKernels('wasm')
 */
export function uninstallFastKernels(backend: FastKernelBackend = 'wasm'): void {
  assertOneOf('backend', backend, FAST_KERNEL_BACKENDS);
  for (const name of installedKernels(backend)) {
    unregisterKernel(name, backend);
    const previous = originals.get(key(backend, name));
    if (previous) registerKernel(previous);
    originals.delete(key(backend, name));
  }
  if (backend === 'wasm') restoreReduceGradients();
}

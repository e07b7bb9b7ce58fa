// @trainkit/backend: fast training kernels for the tfjs cpu/wasm backends.
export { batchMatMulKernel } from './batch-mat-mul';
export { conv2dBackpropFilterKernel } from './conv2d-backprop-filter';
export { conv2dBackpropInputKernel } from './conv2d-backprop-input';
export { cpuFallbackKernel } from './cpu-fallback';
export { castKernel, identityKernel } from './identity';
export {
  FAST_KERNEL_BACKENDS,
  type FastKernelBackend,
  type InstalledKernels,
  installedKernels,
  installFastKernels,
  uninstallFastKernels,
} from './install-fast-kernels';
export { callKernel, release } from './kernel-call';
export { maxPoolGradKernel } from './max-pool-grad';
export { oneHotKernel } from './one-hot';
export { reduceKernel } from './reduce-kernel';
export { type NodeWebGPUInfo, setupNodeWebGPU } from './setup-node-webgpu';
export { tileKernel } from './tile';
export {
  type FastBackendOptions,
  registerFastBackends,
  useFastBackend,
} from './use-fast-backend';

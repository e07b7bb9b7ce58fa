import { findBackendFactory } from '@tensorflow/tfjs-core';
import {
  type BackendChoice,
  type BackendInfo,
  registerBackendLoader,
  type UseBackendOptions,
  useBackend,
} from '@trainkit/core';
import { type FastKernelBackend, installFastKernels } from './install-fast-kernels';
import { setupNodeWebGPU } from './setup-node-webgpu';

/** Options of {@link useFastBackend} and {@link registerFastBackends}. */
export interface FastBackendOptions extends UseBackendOptions {
  /**
   * Where the browser fetches tfjs-backend-wasm's `.wasm` files from (passed to its
   * `setWasmPaths`): a URL prefix, or a map from file name (`tfjs-backend-wasm-simd.wasm`, ...)
   * to URL. A bundler does not emit them by itself; with Vite, import each file with `?url`.
   * Not needed in Node.
   */
  wasmPaths?: string | Record<string, string>;
}

// Literal specifiers, so that a bundler follows them (both are peer dependencies).
const loaders: Record<FastKernelBackend, () => Promise<unknown>> = {
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

async function loadFast(name: FastKernelBackend, options: FastBackendOptions): Promise<void> {
  if (findBackendFactory(name) === null) {
    const m = (await loaders[name]()) as {
      setWasmPaths?: (paths: string | Record<string, string>) => void;
    };
    if (name === 'wasm' && options.wasmPaths !== undefined) m.setWasmPaths?.(options.wasmPaths);
  }
  installFastKernels(name);
}

/**
 * Makes core's `useBackend` install trainkit's training kernels whenever it loads `wasm` or
 * `cpu`, and installs them now on those already loaded. After this, `useBackend('auto')` in
 * Node picks wasm with fast kernels (two orders of magnitude faster than stock cpu for CNN
 * training).
 *
 * @example
 * registerFastBackends();
 * await useBackend('auto'); // wasm + fast kernels in Node
 */
export function registerFastBackends(options: FastBackendOptions = {}): void {
  for (const name of ['wasm', 'cpu'] as const) {
    registerBackendLoader(name, () => loadFast(name, options));
    if (findBackendFactory(name) !== null) installFastKernels(name);
  }
}

/**
 * Loads the backend (default `'auto'`: the fastest available; in Node wasm, then cpu),
 * installs trainkit's training kernels on it, and makes it active. When `'auto'` has to fall
 * back (wasm missing, or its `.wasm` files not served in a browser), it says so once, with
 * why (`options.onFallback`, default `console.warn`).
 * `'webgpu'` in Node first runs `setupNodeWebGPU()` when `navigator.gpu` is missing.
 * Throws `ConfigError` (from core's `useBackend`) when the backend cannot initialise, or
 * (webgpu in Node) when Dawn offers no adapter.
 *
 * @example
 * const { name } = await useFastBackend();
 * await model.fit(xs, ys); // trains on wasm with XNNPACK-backed conv gradients
 */
export async function useFastBackend(
  choice: BackendChoice = 'auto',
  options: FastBackendOptions = {},
): Promise<BackendInfo> {
  registerFastBackends(options);
  if (choice === 'wasm' || choice === 'cpu')
    await loadFast(choice as FastKernelBackend, options).catch(() => undefined);
  const g = globalThis as {
    navigator?: { gpu?: unknown };
    process?: { versions?: { node?: string } };
  };
  if (
    choice === 'webgpu' &&
    g.navigator?.gpu === undefined &&
    g.process?.versions?.node !== undefined
  )
    await setupNodeWebGPU();
  return useBackend(choice, options);
}

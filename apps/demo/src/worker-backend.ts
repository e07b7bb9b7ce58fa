// Backend choice inside the worker: WebGPU, then WebGL, then WASM (with trainkit's training
// kernels), then CPU; reports which one it got and why the others failed.
import * as tf from '@tensorflow/tfjs-core';
import { installFastKernels, registerFastBackends } from '@trainkit/backend';
import { type BackendInfo, registerBackendLoader, setAutoOrder, useBackend } from '@trainkit/core';

export async function pickBackend(
  choice: string,
  wasmBase: string,
): Promise<{ info: BackendInfo; adapter?: string }> {
  registerFastBackends();
  registerBackendLoader('webgpu', () => import('@tensorflow/tfjs-backend-webgpu'));
  registerBackendLoader('webgl', () => import('@tensorflow/tfjs-backend-webgl'));
  registerBackendLoader('wasm', async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmBase);
    installFastKernels('wasm');
  });
  setAutoOrder('worker', ['webgpu', 'webgl', 'wasm', 'cpu']);
  setAutoOrder('browser', ['webgpu', 'webgl', 'wasm', 'cpu']);
  const info = await useBackend(choice);
  let adapter: string | undefined;
  if (info.name === 'webgpu') {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    const a = (await gpu?.requestAdapter()) as {
      info?: { architecture?: string; vendor?: string };
    } | null;
    adapter = [a?.info?.vendor, a?.info?.architecture].filter(Boolean).join(' ') || undefined;
  }
  tf.enableProdMode();
  return adapter === undefined ? { info } : { info, adapter };
}

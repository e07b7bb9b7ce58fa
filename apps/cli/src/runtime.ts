import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients
import { registerArchitectureLayers } from '@trainkit/architectures';
import { useFastBackend } from '@trainkit/backend';
import type { BackendInfo } from '@trainkit/core';

let registered = false;

/** Registers the custom layers saved models may use (idempotent). */
export function registerLayers(): void {
  if (registered) return;
  registerArchitectureLayers();
  registered = true;
}

/** Starts the backend with @trainkit/backend's fast training kernels and says which one runs. */
export async function startBackend(
  choice: 'auto' | 'wasm' | 'cpu' | 'webgpu',
  log: (s: string) => void,
): Promise<BackendInfo> {
  registerLayers();
  // Production mode: no tfjs banners or deprecation notes mixed into the command's output.
  tf.env().set('PROD', true);
  const info = await useFastBackend(choice);
  log(`backend: ${info.name} (${info.environment})`);
  return info;
}

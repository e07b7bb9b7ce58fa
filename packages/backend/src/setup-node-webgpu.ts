import { ConfigError } from '@trainkit/core';

/** What `setupNodeWebGPU` found: the adapter's description, as Dawn reports it. */
export interface NodeWebGPUInfo {
  vendor: string;
  architecture: string;
  description: string;
}

interface DawnModule {
  create(options: string[]): {
    requestAdapter(): Promise<{ info?: Partial<NodeWebGPUInfo> } | null>;
  };
  globals: Record<string, unknown>;
}

/**
 * Gives Node a WebGPU implementation: loads the `webgpu` npm package (Dawn), checks that it
 * offers an adapter, and installs `navigator.gpu` plus the WebGPU globals. Call it (and await
 * it) BEFORE `@tensorflow/tfjs-backend-webgpu` is imported: that package reads
 * `navigator.gpu` when it is evaluated.
 *
 * Throws `ConfigError` when the `webgpu` package is not installed or cannot load, and when
 * Dawn finds no usable adapter (e.g. a machine without a GPU whose only Vulkan driver is
 * Mesa 22 lavapipe, which Dawn rejects: it lacks `shaderUniform*ArrayDynamicIndexing`).
 *
 * @example
 * await setupNodeWebGPU();
 * await import('@tensorflow/tfjs-backend-webgpu');
 * await useBackend('webgpu');
 */
export async function setupNodeWebGPU(
  dawnOptions: string[] = [],
  load: () => Promise<unknown> = () => import('webgpu'),
): Promise<NodeWebGPUInfo> {
  let dawn: DawnModule;
  try {
    dawn = (await load()) as DawnModule;
  } catch (cause) {
    throw new ConfigError(`the \`webgpu\` package could not be loaded (${String(cause)})`, {
      argument: 'webgpu',
      expected: 'the `webgpu` npm package (Dawn) installed with its native binding',
    });
  }
  const gpu = dawn.create(dawnOptions);
  const adapter = await gpu.requestAdapter();
  if (adapter === null) {
    throw new ConfigError(
      'Dawn found no WebGPU adapter: no GPU, and no Vulkan driver Dawn accepts (Mesa 22 lavapipe is rejected; Mesa >= 25 lavapipe via VK_ICD_FILENAMES works)',
      {
        argument: 'dawnOptions',
        expected: 'a WebGPU adapter',
        receivedText: `no adapter for Dawn options ${JSON.stringify(dawnOptions)}`,
      },
    );
  }
  Object.assign(globalThis, dawn.globals);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator === undefined)
    Object.defineProperty(globalThis, 'navigator', {
      value: {},
      configurable: true,
      writable: true,
    });
  Object.defineProperty(g.navigator as object, 'gpu', {
    value: gpu,
    configurable: true,
    writable: true,
  });
  return {
    vendor: adapter.info?.vendor ?? '',
    architecture: adapter.info?.architecture ?? '',
    description: adapter.info?.description ?? '',
  };
}

import { ConfigError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { setupNodeWebGPU } from './setup-node-webgpu';

describe('setupNodeWebGPU', () => {
  it('throws ConfigError naming webgpu when the package cannot load', async () => {
    const err = await setupNodeWebGPU([], () => Promise.reject(new Error('not found'))).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/webgpu.*could not be loaded/);
  });

  it('throws ConfigError when Dawn offers no adapter', async () => {
    const fake = { create: () => ({ requestAdapter: async () => null }), globals: {} };
    const err = await setupNodeWebGPU(['x'], async () => fake).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/no WebGPU adapter/);
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
  });

  it('installs navigator.gpu and reports the adapter when Dawn has one', async () => {
    const gpu = {
      requestAdapter: async () => ({ info: { vendor: 'v', architecture: 'a', description: 'd' } }),
    };
    const fake = { create: () => gpu, globals: { GPUBufferUsage: { MAP_READ: 1 } } };
    await expectNoLeaks(async () => {
      const info = await setupNodeWebGPU([], async () => fake);
      expect(info).toEqual({ vendor: 'v', architecture: 'a', description: 'd' });
    });
    const g = globalThis as { navigator?: { gpu?: unknown }; GPUBufferUsage?: unknown };
    expect(g.navigator?.gpu).toBe(gpu);
    expect(g.GPUBufferUsage).toEqual({ MAP_READ: 1 });
    Reflect.deleteProperty(g.navigator as object, 'gpu');
    Reflect.deleteProperty(g, 'GPUBufferUsage');
  });

  it('with the real webgpu package: an adapter, or the typed error (no GPU here)', async () => {
    const result = await setupNodeWebGPU().then(
      (info) => ({ info }),
      (error) => ({ error }),
    );
    if ('error' in result) {
      console.log(`Node WebGPU: ${(result.error as Error).message}`);
      expect(result.error).toBeInstanceOf(ConfigError);
    } else {
      console.log(`Node WebGPU adapter: ${JSON.stringify(result.info)}`);
      expect(typeof result.info.architecture).toBe('string');
      Reflect.deleteProperty((globalThis as { navigator: object }).navigator, 'gpu');
    }
  });
});

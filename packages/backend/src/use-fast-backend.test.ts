import * as tf from '@tensorflow/tfjs-core';
import { TrainkitError, useBackend } from '@trainkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { installedKernels, uninstallFastKernels } from './install-fast-kernels';
import { registerFastBackends, useFastBackend } from './use-fast-backend';

describe('useFastBackend / registerFastBackends', () => {
  afterAll(async () => {
    uninstallFastKernels('wasm');
    uninstallFastKernels('cpu');
    await tf.setBackend('cpu');
  });

  it("picks wasm with trainkit's kernels for 'auto' in Node, loading the package itself", async () => {
    // wasm is not imported by this file: the loader must import it and then install.
    const info = await useFastBackend();
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(installedKernels('wasm')).toContain('Conv2DBackpropFilter');
    expect(installedKernels('cpu')).toContain('Conv2DBackpropFilter');
  });

  it("makes core's useBackend('auto') land on the fast wasm path", async () => {
    uninstallFastKernels('wasm');
    registerFastBackends();
    const info = await useBackend('auto');
    expect(info.name).toBe('wasm');
    expect(installedKernels('wasm')).toContain('Conv2DBackpropFilter');
  });

  it('selects a named backend', async () => {
    expect((await useFastBackend('cpu')).name).toBe('cpu');
  });

  it('throws a TrainkitError for a backend that does not exist', async () => {
    await expect(useFastBackend('no-such-backend')).rejects.toThrow(TrainkitError);
    await expect(useFastBackend('')).rejects.toThrow(/backend/);
  });
});

// Its own file: the wasm backend must not be loaded yet when wasmPaths is applied.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { uninstallFastKernels } from './install-fast-kernels';
import { useFastBackend } from './use-fast-backend';

describe('useFastBackend fallback', () => {
  afterAll(async () => {
    uninstallFastKernels('cpu');
    await tf.setBackend('cpu');
  });

  it('says once, with why, when wasm cannot start and it trains on cpu instead', async () => {
    const notices: string[] = [];
    // .wasm files that cannot be fetched: what a bundled page gets when they are not served
    const info = await useFastBackend('auto', {
      wasmPaths: '/no/such/folder/',
      onFallback: (m) => notices.push(m),
    });
    expect(info.name).toBe('cpu');
    expect(info.tried[0]).toMatchObject({ name: 'wasm', ok: false });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^trainkit: using the cpu backend, slower than wasm \(wasm: /);
    expect(info.fallback).toBe(notices[0]);
  });
});

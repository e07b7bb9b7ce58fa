import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  environment,
  getAutoOrder,
  registerBackendLoader,
  setAutoOrder,
  useBackend,
} from './backend';
import { isTrainkitError } from './errors';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('useBackend', () => {
  it('knows it runs in Node', () => {
    expect(environment()).toBe('node');
  });

  it('selects and reports cpu and wasm', async () => {
    const cpu = await useBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await useBackend('wasm');
    expect(wasm).toMatchObject({
      name: 'wasm',
      environment: 'node',
      tried: [{ name: 'wasm', ok: true }],
    });
    expect(tf.getBackend()).toBe('wasm');
    const sum = tf.add(tf.scalar(1), tf.scalar(2));
    expect((await sum.data())[0]).toBe(3);
    sum.dispose();
  });

  it("'auto' takes the first backend of the environment's order that works", async () => {
    expect(getAutoOrder('browser')[0]).toBe('webgpu');
    const saved = getAutoOrder('node');
    setAutoOrder('node', ['webgl', 'cpu']);
    const info = await useBackend('auto');
    expect(info.name).toBe('cpu');
    expect(info.tried[0]).toMatchObject({ name: 'webgl', ok: false });
    expect(info.tried[0]!.reason).toMatch(/browser canvas/);
    setAutoOrder('node', saved);
  });

  it('explains why an unavailable backend cannot be used (CONFIG error)', async () => {
    await expect(useBackend('webgl')).rejects.toThrow(/backend "webgl" is not available in node/);
    await expect(useBackend('webgpu')).rejects.toThrow(/navigator\.gpu/);
    await expect(useBackend('tpu')).rejects.toThrow(/no backend "tpu" is registered/);
    registerBackendLoader('broken', () => Promise.reject(new Error('boom')));
    await expect(useBackend('broken')).rejects.toThrow(/could not be loaded \(boom\)/);
    registerBackendLoader('silent', () => Promise.resolve());
    await expect(useBackend('silent')).rejects.toThrow(/registered no backend/);
    try {
      await useBackend('' as never);
    } catch (e) {
      expect(isTrainkitError(e, 'CONFIG')).toBe(true);
    }
    expect(tf.getBackend()).toBe('cpu');
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

  it("'auto' skips stock wasm, which cannot train a CNN, and says once why it fell back", async () => {
    const notices: string[] = [];
    const info = await useBackend('auto', { onFallback: (m) => notices.push(m) });
    // core alone: stock tfjs-backend-wasm has no Conv2DBackpropFilter
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(info.name).toBe('cpu');
    expect(info.tried[0]).toMatchObject({ name: 'wasm', ok: false });
    expect(info.tried[0]!.reason).toMatch(/cannot train a CNN \(no Conv2DBackpropFilter kernel/);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/using the cpu backend, slower than wasm .*useFastBackend/);
    expect(info.fallback).toBe(notices[0]);
    // inference only: stock wasm is fine, and nothing is said
    const quiet: string[] = [];
    const inference = await useBackend('auto', {
      training: false,
      onFallback: (m) => quiet.push(m),
    });
    expect(inference.name).toBe('wasm');
    expect(inference.fallback).toBeUndefined();
    expect(quiet).toHaveLength(0);
    await tf.setBackend('cpu');
  });

  it('prints a fallback notice once, with console.warn by default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const saved = getAutoOrder('node');
    setAutoOrder('node', ['webgl', 'wasm']);
    await useBackend('auto', { training: false });
    await useBackend('auto', { training: false });
    setAutoOrder('node', saved);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(
      /using the wasm backend, slower than webgl \(webgl: WebGL needs a browser canvas/,
    );
    warn.mockRestore();
    await tf.setBackend('cpu');
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

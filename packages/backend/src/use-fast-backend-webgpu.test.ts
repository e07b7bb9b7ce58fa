import { ConfigError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { useFastBackend } from './use-fast-backend';

describe("useFastBackend('webgpu') in Node", () => {
  it('sets up Dawn first: webgpu when it has an adapter, else a ConfigError', async () => {
    const result = await useFastBackend('webgpu').then(
      (info) => ({ info }),
      (error) => ({ error }),
    );
    if ('error' in result) {
      console.log(`useFastBackend('webgpu'): ${(result.error as Error).message}`);
      expect(result.error).toBeInstanceOf(ConfigError);
      expect((result.error as Error).message).toMatch(/adapter|webgpu/);
    } else {
      expect(result.info.name).toBe('webgpu');
    }
  });
});

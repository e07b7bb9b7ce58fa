import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { importCleanly, importSideEffects, NO_SIDE_EFFECTS } from './import-side-effects';

describe('importSideEffects / importCleanly', () => {
  it('sees a registered kind, a tfjs class and a new global; a clean load passes', async () => {
    const kinds: string[] = [];
    const added = await importSideEffects(
      async () => {
        kinds.push('x.kind');
        class Fixture extends tf.serialization.Serializable {
          static className = 'TrainkitSideEffectFixture';
          getConfig() {
            return {};
          }
        }
        tf.serialization.registerClass(Fixture);
        (globalThis as Record<string, unknown>).__trainkitFixture = 1;
      },
      () => [...kinds],
    );
    expect(added).toEqual({
      ...NO_SIDE_EFFECTS,
      kinds: ['+x.kind'],
      classes: ['+TrainkitSideEffectFixture'],
      globals: ['+__trainkitFixture'],
    });
    await expect(
      importCleanly(
        async () => kinds.push('y.kind'),
        () => [...kinds],
      ),
    ).rejects.toThrow(/kinds \+y\.kind/);
    await expect(
      importCleanly(
        async () => 42,
        () => [...kinds],
      ),
    ).resolves.toBe(42);
    delete (globalThis as Record<string, unknown>).__trainkitFixture;
  });
});

// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importSideEffects, NO_SIDE_EFFECTS } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';

describe('side effects', () => {
  it('importing @trainkit/data (index, node) mutates no shared registry', async () => {
    let m: typeof import('./index') | undefined;
    const added = await importSideEffects(async () => {
      m = await import('./index');
      await import('./node');
    }, registeredKinds);
    expect(added).toEqual(NO_SIDE_EFFECTS);
    expect(registeredKinds()).not.toContain('data.pixelNormalization');
    const m_ = m!;
    const norm = m_.pixelNormalizationFromJSON(
      m_.pixelNormalization({ mode: 'standardize', mean: [0.5], std: [0.25] }).toJSON(),
    );
    expect(norm.toJSON().kind).toBe('data.pixelNormalization');
  });
});

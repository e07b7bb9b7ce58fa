// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importSideEffects, NO_SIDE_EFFECTS } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';

describe('side effects', () => {
  it('importing @trainkit/transfer (index, node) mutates no shared registry', async () => {
    const added = await importSideEffects(async () => {
      await import('./index');
      await import('./node');
    }, registeredKinds);
    expect(added).toEqual(NO_SIDE_EFFECTS);
  });
});

// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importSideEffects, NO_SIDE_EFFECTS } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';

describe('side effects', () => {
  it('importing @trainkit/init (index) mutates no shared registry', async () => {
    let m: typeof import('./index') | undefined;
    const added = await importSideEffects(async () => {
      m = await import('./index');
    }, registeredKinds);
    expect(added).toEqual(NO_SIDE_EFFECTS);
    const m_ = m!;
    const init = m_.initializerFromJSON(m_.heNormal({ rng: 3 }).toJSON());
    expect(init.toJSON().kind).toBe(m_.heNormal({ rng: 3 }).toJSON().kind);
  });
});

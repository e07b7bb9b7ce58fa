// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importSideEffects, NO_SIDE_EFFECTS } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';

describe('side effects', () => {
  it('importing @trainkit/optimizers (index) mutates no shared registry', async () => {
    let m: typeof import('./index') | undefined;
    const added = await importSideEffects(async () => {
      m = await import('./index');
    }, registeredKinds);
    expect(added).toEqual(NO_SIDE_EFFECTS);
    expect(registeredKinds()).not.toContain('optimizers.adam');
    const m_ = m!;
    // explicit registration still resolves specs: optimizerFromJSON registers on first use
    const opt = m_.optimizerFromJSON(m_.adam({ learningRate: 0.01 }).toJSON());
    expect(opt.toJSON()).toMatchObject({ kind: 'optimizers.adam', learningRate: 0.01 });
  });
});

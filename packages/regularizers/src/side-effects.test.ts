// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importSideEffects, NO_SIDE_EFFECTS } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';

describe('side effects', () => {
  it('importing @trainkit/regularizers (index) mutates no shared registry', async () => {
    let m: typeof import('./index') | undefined;
    const added = await importSideEffects(async () => {
      m = await import('./index');
    }, registeredKinds);
    expect(added).toEqual(NO_SIDE_EFFECTS);
    expect(registeredKinds()).not.toContain('regularizers.l2');
    const m_ = m!;
    const pen = m_.regularizerFromJSON<{ toJSON(): { kind: string } }>(
      m_.l2({ lambda: 0.1, convention: 'half' }).toJSON(),
    );
    expect(pen.toJSON().kind).toBe('regularizers.l2');
  });
});

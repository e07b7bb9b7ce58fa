// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importCleanly } from '@trainkit/test-utils';
import { expect, it } from 'vitest';

it('importing @trainkit/regularizers mutates no shared registry', async () => {
  const m = await importCleanly(() => import('./index'), registeredKinds);
  expect(registeredKinds()).not.toContain('regularizers.l2');
  const pen = m.regularizerFromJSON<{ toJSON(): { kind: string } }>(
    m.l2({ lambda: 0.1, convention: 'half' }).toJSON(),
  );
  expect(pen.toJSON().kind).toBe('regularizers.l2');
});

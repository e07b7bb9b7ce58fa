// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importCleanly } from '@trainkit/test-utils';
import { expect, it } from 'vitest';

it('importing @trainkit/init mutates no shared registry', async () => {
  const m = await importCleanly(() => import('./index'), registeredKinds);
  const init = m.initializerFromJSON(m.heNormal({ rng: 3 }).toJSON());
  expect(init.toJSON().kind).toBe(m.heNormal({ rng: 3 }).toJSON().kind);
});

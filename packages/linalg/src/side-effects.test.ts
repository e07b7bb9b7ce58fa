// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importCleanly } from '@trainkit/test-utils';
import { it } from 'vitest';

it('importing @trainkit/linalg and @trainkit/linalg/node mutates no shared registry', async () => {
  await importCleanly(() => import('./index'), registeredKinds);
  await importCleanly(() => import('./node'), registeredKinds);
});

// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importCleanly } from '@trainkit/test-utils';
import { expect, it } from 'vitest';

it('importing @trainkit/architectures mutates no shared registry', async () => {
  const m = await importCleanly(() => import('./index'), registeredKinds);
  m.registerArchitectureKinds();
  expect(registeredKinds()).toContain('architectures.spec');
});

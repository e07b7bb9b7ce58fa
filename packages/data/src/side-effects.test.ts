// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importCleanly } from '@trainkit/test-utils';
import { expect, it } from 'vitest';

it('importing @trainkit/data mutates no shared registry', async () => {
  const m = await importCleanly(() => import('./index'), registeredKinds);
  await importCleanly(() => import('./node'), registeredKinds);
  expect(registeredKinds()).not.toContain('data.pixelNormalization');
  const spec = m.pixelNormalization({ mode: 'standardize', mean: [0.5], std: [0.25] }).toJSON();
  expect(m.pixelNormalizationFromJSON(spec).toJSON().kind).toBe('data.pixelNormalization');
});

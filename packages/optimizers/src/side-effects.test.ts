// `"sideEffects": false` is a promise: importing the package's entry points changes no shared
// registry (core kinds, tfjs classes, backends and kernels, globals). Registration is explicit.
import { registeredKinds } from '@trainkit/core';
import { importCleanly } from '@trainkit/test-utils';
import { expect, it } from 'vitest';

it('importing @trainkit/optimizers mutates no shared registry', async () => {
  const m = await importCleanly(() => import('./index'), registeredKinds);
  // explicit registration still resolves specs: optimizerFromJSON registers on first use
  expect(registeredKinds()).not.toContain('optimizers.adam');
  const opt = m.optimizerFromJSON(m.adam({ learningRate: 0.01 }).toJSON());
  expect(opt.toJSON()).toMatchObject({ kind: 'optimizers.adam', learningRate: 0.01 });
});

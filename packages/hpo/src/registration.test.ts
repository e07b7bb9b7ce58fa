// Registration is explicit (STYLE.md): importing the package mutates no shared registry, so its
// `"sideEffects": false` is true; samplerFromJSON / prunerFromJSON / registerHpoKinds register.
import { fromJSON, isRegistered, registeredKinds } from '@trainkit/core';
import { importCleanly } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';

describe('registration', () => {
  it('importing @trainkit/hpo registers nothing; its FromJSON entry points still resolve', async () => {
    const h = await importCleanly(() => import('./index'), registeredKinds);
    await importCleanly(() => import('./node'), registeredKinds);
    expect(h.HPO_KINDS.filter((k) => isRegistered(k))).toEqual([]);
    // a nested spec: CMA-ES rebuilds its independent sampler through the registry too
    const cma = h.samplerFromJSON(
      h
        .cmaEsSampler({ sigma0: 0.3, independentSampler: h.tpeSampler({ nStartupTrials: 4 }) })
        .toJSON(),
    );
    expect(cma.toJSON()).toMatchObject({
      kind: 'hpo.cmaEsSampler',
      sigma0: 0.3,
      independentSampler: { kind: 'hpo.tpeSampler', nStartupTrials: 4 },
    });
    const pruner = h.prunerFromJSON(JSON.stringify(h.medianPruner({ nStartupTrials: 3 }).toJSON()));
    expect(pruner.toJSON()).toMatchObject({ kind: 'hpo.medianPruner', nStartupTrials: 3 });
    expect(h.HPO_KINDS.filter((k) => !isRegistered(k))).toEqual([]);
    expect(fromJSON<{ kind: string }>(h.gridSampler({ a: [1, 2] }).toJSON()).kind).toBe(
      'hpo.gridSampler',
    );
  });
});

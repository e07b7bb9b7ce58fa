// Registration is explicit (STYLE.md): importing the package mutates no shared registry, so its
// `"sideEffects": false` is true; lossFromJSON / metricFromJSON / registerTrainKinds register.
import { fromJSON, isRegistered, registeredKinds } from '@trainkit/core';
import { importCleanly } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';

describe('registration', () => {
  it('importing @trainkit/train registers nothing; its FromJSON entry points still resolve', async () => {
    const t = await importCleanly(() => import('./index'), registeredKinds);
    await importCleanly(() => import('./node'), registeredKinds);
    expect(t.TRAIN_KINDS.filter((k) => isRegistered(k))).toEqual([]);
    const loss = t.lossFromJSON(t.softmaxCrossEntropy({ labelSmoothing: 0.1 }).toJSON());
    expect(loss.toJSON()).toMatchObject({ kind: 'train.softmaxCrossEntropy', labelSmoothing: 0.1 });
    const metric = t.metricFromJSON(JSON.stringify(t.topKAccuracy({ k: 3 }).toJSON()));
    expect(metric.toJSON()).toMatchObject({ kind: 'train.topKAccuracy', k: 3 });
    // the first use registered every kind of the package, for the core fromJSON too
    expect(t.TRAIN_KINDS.filter((k) => !isRegistered(k))).toEqual([]);
    expect(fromJSON<{ name: string }>(t.accuracy().toJSON()).name).toBe('acc');
  });
});

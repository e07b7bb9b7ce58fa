// Registration is explicit (STYLE.md): importing the package mutates no shared registry, so its
// `"sideEffects": false` is true; preprocessFromJSON / registerPreprocessKinds register.
import * as tf from '@tensorflow/tfjs-core';
import { fromJSON, isRegistered, registeredKinds } from '@trainkit/core';
import { importCleanly } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';

describe('registration', () => {
  it('importing @trainkit/preprocess registers nothing; preprocessFromJSON still resolves', async () => {
    const p = await importCleanly(() => import('./index'), registeredKinds);
    await importCleanly(() => import('./node'), registeredKinds);
    expect(p.PREPROCESS_KINDS.filter((k) => isRegistered(k))).toEqual([]);
    // fitted state survives: a mean of [1, 3] and [3, 5] is [2, 4]
    const x = tf.tensor2d([
      [1, 3],
      [3, 5],
    ]);
    const z = new p.ZeroCenter();
    z.fit(x);
    const again = p.preprocessFromJSON<InstanceType<typeof p.ZeroCenter>>(
      JSON.parse(JSON.stringify(z.toJSON())),
    );
    const y = again.transform(x);
    expect(Array.from(await y.data())).toEqual([-1, -1, 1, 1]);
    expect(p.PREPROCESS_KINDS.filter((k) => !isRegistered(k))).toEqual([]);
    expect(fromJSON<{ toJSON(): { kind: string } }>(new p.PCA().toJSON()).toJSON().kind).toBe(
      'preprocess.pca',
    );
    tf.dispose([x, y]);
  });
});

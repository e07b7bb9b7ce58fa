import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { l1 } from './l1';
import { l2 } from './l2';
import { maxNorm } from './max-norm';
import { nonNeg } from './non-neg';
import type { WeightPenalty } from './penalty';
import {
  registerLayersConstraints,
  TrainkitConstraint,
  toLayersConstraint,
} from './to-layers-constraint';
import {
  registerLayersRegularizers,
  TrainkitRegularizer,
  toLayersRegularizer,
} from './to-layers-regularizer';

describe('tfjs-layers adapters', () => {
  it('a layer regularizer adds the penalty of its kernel to model.losses', () => {
    const K = [
      [1, -2],
      [3, 0.5],
    ];
    const layer = tfl.layers.dense({
      units: 2,
      inputShape: [2],
      kernelRegularizer: toLayersRegularizer(l2({ lambda: 0.1, convention: 'half' })),
      biasRegularizer: toLayersRegularizer(l1({ lambda: 1, appliesTo: 'nothing/*' })),
      weights: [tf.tensor2d(K), tf.tensor1d([2, -3])],
    });
    const model = tfl.sequential({ layers: [layer] });
    const losses = (layer.losses as unknown as Array<() => tf.Scalar>).map((f) => f());
    const vals = losses.map((l) => l.dataSync()[0]!);
    // 0.5 * 0.1 * 14.25 on the kernel, |2| + |-3| on the bias (appliesTo ignored: the layer chose).
    vals.sort((a, b) => a - b);
    expect(vals).toEqual([expect.closeTo(0.7125, 5), expect.closeTo(5, 5)]);
    tf.dispose(losses);
    model.dispose();
  });

  it('a layer constraint projects the kernel when tfjs-layers writes it', () => {
    const layer = tfl.layers.dense({
      units: 3,
      inputShape: [4],
      kernelConstraint: toLayersConstraint(maxNorm({ maxValue: 0.5 })),
      kernelInitializer: 'ones',
    });
    const model = tfl.sequential({ layers: [layer] });
    // tfjs-layers applies a constraint in LayerVariable.write only; its own fit() updates the
    // variables directly and never calls it (hence trainkit's loop applies core Constraints).
    const kernel = (layer as unknown as { kernel: tfl.LayerVariable }).kernel;
    const before = tf.memory().numTensors;
    const ones = tf.ones([4, 3]);
    kernel.write(ones);
    ones.dispose();
    const norms = tf.tidy(() => tf.norm(kernel.read(), 'euclidean', 0).arraySync() as number[]);
    for (const n of norms) expect(n).toBeCloseTo(0.5, 5); // each column (2) rescaled onto 0.5
    // tfjs-layers' write does not free the constraint's output: one tensor per write (not ours).
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(1);
    model.dispose();
  });

  it('serializes inside model JSON and rebuilds after explicit registration', () => {
    registerLayersRegularizers();
    registerLayersConstraints();
    const r = toLayersRegularizer(l2({ lambda: 0.25, convention: 'full' }));
    const c = toLayersConstraint(nonNeg());
    const r2 = TrainkitRegularizer.fromConfig<TrainkitRegularizer>(null, r.getConfig() as never);
    const c2 = TrainkitConstraint.fromConfig<TrainkitConstraint>(null, c.getConfig() as never);
    expect(r2.penalty.toJSON()).toEqual(r.penalty.toJSON());
    expect(c2.constraint.toJSON()).toEqual(c.constraint.toJSON());
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 2, inputShape: [3], kernelRegularizer: r, kernelConstraint: c }),
      ],
    });
    const json = JSON.stringify(model.toJSON(null, false));
    expect(json).toContain('TrainkitRegularizer');
    const layer = (tfl.models.modelFromJSON as unknown as (j: unknown) => Promise<tfl.LayersModel>)(
      { modelTopology: JSON.parse(json) },
    );
    return layer.then((m) => {
      const d = m.layers[0] as unknown as { kernelRegularizer: TrainkitRegularizer };
      expect(d.kernelRegularizer.penalty.toJSON()).toEqual(r.penalty.toJSON());
      m.dispose();
      model.dispose();
    });
  });

  it('rejects what is not a trainkit penalty or constraint', () => {
    for (const f of [
      () => toLayersRegularizer((() => tf.scalar(0)) as unknown as WeightPenalty),
      () => toLayersConstraint({} as never),
      () => new TrainkitRegularizer({ spec: 'not hex!' }),
    ]) {
      try {
        f();
        throw new Error('no error');
      } catch (e) {
        expect(isTrainkitError(e, 'CONFIG')).toBe(true);
      }
    }
  });

  it('leaks no tensors', async () => {
    const w = tf.ones([3, 2]);
    const r = toLayersRegularizer(l1({ lambda: 1 }));
    const c = toLayersConstraint(maxNorm());
    await expectNoLeaks(() => r.apply(w).dispose());
    await expectNoLeaks(() => c.apply(w).dispose());
    w.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/torch-optimizers.json';
import { adagrad } from './adagrad';
import { adam } from './adam';
import { adamw } from './adamw';
import { createOptimizerState } from './optimizer-state';
import { rmsprop } from './rmsprop';
import { sgd } from './sgd';

type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

// biome-ignore lint/suspicious/noExplicitAny: options come from JSON
const recipes: Record<string, (o: any) => ReturnType<typeof sgd>> = {
  sgd,
  sgdMomentum: sgd,
  sgdNesterov: sgd,
  sgdDampening: sgd,
  sgdWeightDecay: sgd,
  adagrad,
  adagradWeightDecay: adagrad,
  rmspropWeightDecay: rmsprop,
  rmsprop,
  rmspropCentered: rmsprop,
  rmspropMomentum: rmsprop,
  adam,
  adamL2: adam,
  amsgrad: adam,
  adamw,
};

export function expectClose(actual: ArrayLike<number>, expected: number[], rel = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e) / Math.max(Math.abs(e), 1e-3);
    if (err > rel) throw new Error(`index ${i}: ${actual[i]} vs ${e} (relative error ${err})`);
  }
}

describe('optimizers match torch.optim (fixtures/torch-optimizers.json)', () => {
  for (const [name, c] of Object.entries(fixture.optimizers)) {
    it(`${name} follows PyTorch for ${fixture.grads.length} steps within 1e-5 relative`, async () => {
      const make = recipes[name];
      if (!make) throw new Error(`no recipe for ${name}`);
      const params = Object.fromEntries(
        Object.entries(fixture.params).map(([k, v]) => [
          k,
          tf.variable(tf.tensor(v as Nested as number[])),
        ]),
      );
      const opt = createOptimizerState(make(c.options), params);
      await expectNoLeaks(async () => {
        for (let t = 0; t < fixture.grads.length; t++) {
          const g = fixture.grads[t] as Record<string, Nested>;
          const grads = Object.fromEntries(
            Object.entries(g).map(([k, v]) => [k, tf.tensor(v as number[], params[k]!.shape)]),
          );
          opt.step(grads);
          tf.dispose(Object.values(grads));
          const want = c.trajectory[t] as Record<string, Nested>;
          for (const [k, p] of Object.entries(params)) expectClose(await p.data(), flat(want[k]!));
        }
      });
      opt.dispose();
      tf.dispose(Object.values(params));
    });
  }
});

describe('the parity check itself', () => {
  it('fails on a trajectory that is off by 1e-4 relative (the comparison can fail)', () => {
    const want = flat(fixture.optimizers.adam.trajectory[0]!['dense/bias'] as Nested);
    expect(() => expectClose(Float32Array.from(want.map((v) => v * (1 + 1e-4))), want)).toThrow(
      /relative error/,
    );
  });
});

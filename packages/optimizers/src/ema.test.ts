import * as tf from '@tensorflow/tfjs-core';
import { isTrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { chain } from './chain';
import { ema } from './ema';
import { createOptimizerState } from './optimizer-state';
import { optimizerFromJSON } from './registry';
import { scaleByLearningRate } from './scale-by-learning-rate';

function run(t: ReturnType<typeof ema>, us: number[]): number[] {
  const params = { w: tf.zeros([1]) };
  let state = t.init(params);
  const out: number[] = [];
  us.forEach((u, step) => {
    const r = tf.tidy(() => t.update({ w: tf.tensor1d([u]) }, state, params, { step }));
    out.push((r.updates.w as tf.Tensor).dataSync()[0] as number);
    tf.dispose(Object.values(r.updates));
    tf.dispose(Object.values(state));
    state = r.state;
  });
  tf.dispose([...Object.values(state), params.w]);
  return out;
}

describe('ema (optax ema of the updates)', () => {
  it('debiased, a constant input comes out unchanged from the first step (1 - b^t cancels)', () => {
    const out = run(ema({ decay: 0.9 }), [2, 2, 2, 2]);
    for (const v of out) expect(v).toBeCloseTo(2, 6);
  });

  it('without debias, a constant input c gives (1 - b^t) c', () => {
    const out = run(ema({ decay: 0.9, debias: false }), [2, 2, 2]);
    [0.2, 0.38, 0.542].forEach((want, i) => {
      expect(out[i]).toBeCloseTo(want, 6);
    });
  });

  it('matches a hand computation on a varying sequence', () => {
    // b = 0.5: m1 = 0.5*1 = 0.5, m2 = 0.25 + 0.5*3 = 1.75, m3 = 0.875 - 0.5 = 0.375
    // debiased: m1 / 0.5 = 1, m2 / 0.75 = 2.3333, m3 / 0.875 = 0.428571
    const out = run(ema({ decay: 0.5 }), [1, 3, -1]);
    [1, 7 / 3, 0.375 / 0.875].forEach((want, i) => {
      expect(out[i]).toBeCloseTo(want, 6);
    });
  });

  it('chains, serializes and leaks nothing', () => {
    const params = { w: tf.variable(tf.tensor1d([1, 2])) };
    const opt = chain(ema({ decay: 0.8 }), scaleByLearningRate({ learningRate: 0.1 }));
    const again = optimizerFromJSON(JSON.parse(JSON.stringify(opt.toJSON())));
    expect(again.toJSON()).toEqual(opt.toJSON());
    const before = tf.memory().numTensors;
    const state = createOptimizerState(opt, params);
    for (let i = 0; i < 3; i++) {
      const g = { w: tf.tensor1d([1, -1]) };
      state.step(g);
      tf.dispose(g.w);
    }
    // a constant gradient is passed through unchanged by the debiased EMA: w -= 3 * 0.1 * g
    const w = Array.from(params.w.dataSync());
    expect(w[0]).toBeCloseTo(0.7, 5);
    expect(w[1]).toBeCloseTo(2.3, 5);
    state.dispose();
    expect(tf.memory().numTensors).toBe(before);
    params.w.dispose();
  });

  it('rejects a decay outside [0, 1) naming it', () => {
    for (const decay of [1, -0.1, Number.NaN]) {
      try {
        ema({ decay });
        expect.unreachable();
      } catch (e) {
        expect(isTrainkitError(e) && e.argument).toBe('decay');
      }
    }
  });
});

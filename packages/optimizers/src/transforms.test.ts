import * as tf from '@tensorflow/tfjs-core';
import { type GradientTransformation, isTrainkitError, type TensorMap } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adagrad } from './adagrad';
import { adam } from './adam';
import { adamw } from './adamw';
import { addDecayedWeights } from './add-decayed-weights';
import { applyUpdates } from './apply-updates';
import { chain } from './chain';
import { clipByGlobalNorm } from './clip-by-global-norm';
import { clipByValue } from './clip-by-value';
import { freeze } from './freeze';
import { momentum, nesterov } from './momentum';
import { multiplyLearningRates } from './multiply-learning-rates';
import { createOptimizerState } from './optimizer-state';
import { optimizerFromJSON } from './registry';
import { rmsprop } from './rmsprop';
import { scaleByAdam } from './scale-by-adam';
import { scaleByLearningRate } from './scale-by-learning-rate';
import { scaleByRms } from './scale-by-rms';
import { scaleByRss } from './scale-by-rss';
import { scaleBySchedule } from './scale-by-schedule';
import { cosineDecay } from './schedules/cosine-decay';
import { stepDecay } from './schedules/step-decay';
import { sgd } from './sgd';
import { traceMomentum } from './trace-momentum';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isTrainkitError(e) ? `${e.code}:${e.argument}` : String(e);
  }
  return undefined;
}

let params: Record<string, tf.Variable>;
let grads: TensorMap;
beforeEach(() => {
  params = {
    'conv2d_1/kernel': tf.variable(tf.tensor([1, -2, 3, -4], [2, 2])),
    'conv2d_1/bias': tf.variable(tf.tensor([0.5, -0.5])),
    'head/kernel': tf.variable(tf.tensor([2, 1], [2, 1])),
  };
  grads = {
    'conv2d_1/kernel': tf.tensor([0.3, 4, -0.1, 2], [2, 2]),
    'conv2d_1/bias': tf.tensor([1, -1]),
    'head/kernel': tf.tensor([-3, 0.5], [2, 1]),
  };
});
afterEach(() => {
  tf.dispose(Object.values(params));
  tf.dispose(Object.values(grads));
});

/** One update through `t` from fresh state; returns the updates as arrays and frees everything. */
function oneUpdate(t: GradientTransformation, step = 0): Record<string, number[]> {
  const state = t.init(params);
  const out = tf.tidy(() => t.update(grads, state, params, { step }).updates);
  const arrays = Object.fromEntries(Object.entries(out).map(([k, u]) => [k, [...u.dataSync()]]));
  tf.dispose(Object.values(out));
  tf.dispose(Object.values(state));
  return arrays;
}

const every: Record<string, () => GradientTransformation> = {
  sgd: () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 }),
  momentum: () => momentum({ learningRate: 0.1 }),
  nesterov: () => nesterov({ learningRate: 0.1, momentum: 0.8 }),
  adagrad: () => adagrad({ learningRate: 0.1, lrDecay: 0.01, weightDecay: 0.1 }),
  rmsprop: () => rmsprop({ learningRate: 0.01, centered: true, momentum: 0.9, weightDecay: 0.1 }),
  adam: () =>
    adam({ learningRate: cosineDecay({ initialValue: 1e-3, decaySteps: 10 }), amsgrad: true }),
  adamw: () => adamw({ learningRate: 1e-3, weightDecay: 0.1, mask: '**/kernel' }),
  scaleByLearningRate: () =>
    scaleByLearningRate({ learningRate: stepDecay({ initialValue: 1, stepSize: 2 }) }),
  scaleBySchedule: () => scaleBySchedule(stepDecay({ initialValue: -1, stepSize: 2 })),
  scaleByAdam: () => scaleByAdam({ beta1: 0.5 }),
  scaleByRms: () => scaleByRms({ centered: true }),
  scaleByRss: () => scaleByRss({ initialAccumulatorValue: 0.1 }),
  traceMomentum: () => traceMomentum({ decay: 0.5, dampening: 0.1 }),
  addDecayedWeights: () => addDecayedWeights({ weightDecay: 0.1, mask: ['conv*'] }),
  clipByValue: () => clipByValue({ maxDelta: 1 }),
  clipByGlobalNorm: () => clipByGlobalNorm({ maxNorm: 1 }),
  chain: () =>
    chain(
      clipByGlobalNorm({ maxNorm: 1 }),
      scaleByAdam(),
      scaleByLearningRate({ learningRate: 0.1 }),
    ),
  multiplyLearningRates: () => multiplyLearningRates({ conv2d_1: 0.1 }, sgd({ learningRate: 1 })),
  freeze: () => freeze('conv2d_1', adam()),
};

describe('every transformation', () => {
  for (const [name, make] of Object.entries(every)) {
    it(`${name}: serializes, rebuilds to the same updates over 3 steps, leaks nothing`, async () => {
      const t = make();
      const json = JSON.parse(JSON.stringify(t.toJSON()));
      expect(json.kind).toBe(`optimizers.${name}`);
      const again = optimizerFromJSON(json);
      expect(again.toJSON()).toEqual(json);
      const run = (x: GradientTransformation) => {
        const ps = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, tf.variable(p)]));
        const opt = createOptimizerState(x, ps);
        for (let s = 0; s < 3; s++) opt.step(grads);
        const out = Object.fromEntries(Object.entries(ps).map(([k, p]) => [k, [...p.dataSync()]]));
        opt.dispose();
        tf.dispose(Object.values(ps));
        return out;
      };
      const a = await expectNoLeaks(() => run(t), name);
      expect(run(again)).toEqual(a);
      await expectNoLeaks(() => {
        const st = t.init(params);
        const r = tf.tidy(() => t.update(grads, st, params, { step: 0 }));
        tf.dispose(Object.values(r.updates));
        tf.dispose(Object.values(r.state));
        tf.dispose(Object.values(st));
      }, `${name} init+update`);
    });
  }
});

describe('transform semantics (hand-computed)', () => {
  it('scaleByLearningRate is -lr * g (vanilla SGD x -= lr dx)', () => {
    expect(oneUpdate(scaleByLearningRate({ learningRate: 0.5 }))['conv2d_1/bias']).toEqual([
      -0.5, 0.5,
    ]);
  });
  it('scaleBySchedule multiplies by the schedule at the step', () => {
    const s = scaleBySchedule(stepDecay({ initialValue: 2, stepSize: 1, gamma: 0.5 }));
    expect(oneUpdate(s, 2)['conv2d_1/bias']).toEqual([0.5, -0.5]);
  });
  it('clipByValue clips each element', () => {
    expect(oneUpdate(clipByValue({ maxDelta: 1 }))['conv2d_1/kernel']).toEqual(
      [0.30000001192092896, 1, -0.1, 1].map(Math.fround),
    );
  });
  it('clipByGlobalNorm rescales all updates by maxNorm / ||g|| together, leaves small ones alone', () => {
    // ||g||^2 = 0.09 + 16 + 0.01 + 4 + 1 + 1 + 9 + 0.25 = 31.35
    const norm = Math.sqrt(31.35);
    const u = oneUpdate(clipByGlobalNorm({ maxNorm: 2 }));
    expect(u['head/kernel']![0]).toBeCloseTo((-3 * 2) / norm, 6);
    expect(u['conv2d_1/kernel']![1]).toBeCloseTo((4 * 2) / norm, 6);
    expect(oneUpdate(clipByGlobalNorm({ maxNorm: 100 }))['head/kernel']).toEqual([-3, 0.5]);
  });
  it('addDecayedWeights adds lambda * p only where the mask matches', () => {
    const u = oneUpdate(addDecayedWeights({ weightDecay: 0.1, mask: '**/kernel' }));
    expect(u['head/kernel']![0]).toBeCloseTo(-3 + 0.2, 6);
    expect(u['conv2d_1/bias']).toEqual([1, -1]);
  });
  it('chain namespaces state by position', () => {
    const t = chain(traceMomentum(), scaleByAdam({ amsgrad: true }));
    const st = t.init(params);
    expect(Object.keys(st)).toContain('0/trace/conv2d_1/kernel');
    expect(Object.keys(st)).toContain('1/nuMax/head/kernel');
    tf.dispose(Object.values(st));
  });
  it('multiplyLearningRates scales the update per parameter by the first matching pattern', () => {
    const u = oneUpdate(
      multiplyLearningRates({ 'conv2d_1/bias': 0.5, 'conv*': 0.1 }, sgd({ learningRate: 1 })),
    );
    expect(u['conv2d_1/bias']).toEqual([-0.5, 0.5]);
    expect(u['conv2d_1/kernel']![1]).toBeCloseTo(-0.4, 6);
    expect(u['head/kernel']).toEqual([3, -0.5]);
  });
  it('freeze gives zero updates and keeps no state for frozen parameters', () => {
    const t = freeze('conv2d_1', adam({ learningRate: 0.1 }));
    const st = t.init(params);
    expect(Object.keys(st).some((k) => k.includes('conv2d_1'))).toBe(false);
    expect(Object.keys(st).some((k) => k.includes('head/kernel'))).toBe(true);
    tf.dispose(Object.values(st));
    const u = oneUpdate(t);
    expect(u['conv2d_1/kernel']).toEqual([0, 0, 0, 0]);
    // Adam's first step is -lr * sign(g) (up to epsilon).
    expect(u['head/kernel']![0]).toBeCloseTo(0.1, 5);
  });
  it('applyUpdates adds updates to params and leaks nothing', async () => {
    const u = tf.tensor([1, 1], [2, 1]);
    await expectNoLeaks(() =>
      tf.dispose(Object.values(applyUpdates(params, { 'head/kernel': u }))),
    );
    const out = applyUpdates(params, { 'head/kernel': u });
    u.dispose();
    expect([...out['head/kernel']!.dataSync()]).toEqual([3, 2]);
    expect(out['conv2d_1/bias']).not.toBe(params['conv2d_1/bias']);
    tf.dispose(Object.values(out));
  });
});

describe('createOptimizerState', () => {
  it('keeps memory flat over 1,000 steps', async () => {
    const opt = createOptimizerState(adam({ learningRate: 1e-3, amsgrad: true }), params);
    await expectNoLeaks(() => {
      for (let s = 0; s < 1000; s++) opt.step(grads);
    }, '1,000 steps');
    expect(opt.stepCount).toBe(1000);
    opt.setStepCount(3);
    expect(opt.stepCount).toBe(3);
    opt.dispose();
    expect(codeOf(() => opt.step(grads))).toBe('STATE:this');
  });
  it('rejects a gradient for an unknown parameter and a non-transformation', () => {
    const opt = createOptimizerState(sgd({ learningRate: 1 }), params);
    const g = { nope: tf.scalar(1) };
    expect(codeOf(() => opt.step(g))).toBe('CONFIG:grads');
    g.nope.dispose();
    opt.dispose();
    expect(codeOf(() => createOptimizerState({} as never, params))).toBe('CONFIG:transform');
  });
});

describe('bad hyper-parameters give typed errors', () => {
  it.each([
    ['negative lr', () => sgd({ learningRate: -0.1 }), 'RANGE:learningRate'],
    [
      'negative lr schedule',
      () => adam({ learningRate: (() => -1) as never }),
      'RANGE:learningRate(0)',
    ],
    ['beta1 = 1', () => adam({ beta1: 1 }), 'RANGE:beta1'],
    ['beta2 < 0', () => adamw({ beta2: -0.1 }), 'RANGE:beta2'],
    ['epsilon = 0', () => adam({ epsilon: 0 }), 'RANGE:epsilon'],
    ['rmsprop epsilon < 0', () => rmsprop({ epsilon: -1 }), 'RANGE:epsilon'],
    ['alpha = 1', () => rmsprop({ alpha: 1 }), 'RANGE:alpha'],
    ['adagrad epsilon 0', () => adagrad({ epsilon: 0 }), 'RANGE:epsilon'],
    ['adagrad lrDecay < 0', () => adagrad({ lrDecay: -1 }), 'RANGE:lrDecay'],
    ['momentum > 1', () => sgd({ learningRate: 1, momentum: 1.5 }), 'RANGE:decay'],
    [
      'nesterov without momentum',
      () => sgd({ learningRate: 1, nesterov: true }),
      'CONFIG:nesterov',
    ],
    ['negative weight decay', () => adamw({ weightDecay: -1 }), 'RANGE:weightDecay'],
    ['lr not a number', () => sgd({ learningRate: '0.1' as never }), 'CONFIG:learningRate'],
    ['maxNorm 0', () => clipByGlobalNorm({ maxNorm: 0 }), 'RANGE:maxNorm'],
    ['maxDelta NaN', () => clipByValue({ maxDelta: Number.NaN }), 'NAN:maxDelta'],
    [
      'negative multiplier',
      () => multiplyLearningRates({ a: -1 }, sgd({ learningRate: 1 })),
      'RANGE:multipliers["a"]',
    ],
    ['empty pattern', () => freeze('', sgd({ learningRate: 1 })), 'CONFIG:pattern'],
    ['chain of junk', () => chain({} as never), 'CONFIG:transforms[0]'],
    ['scaleBySchedule of a number', () => scaleBySchedule(3 as never), 'CONFIG:schedule'],
  ])('%s', (_n, fn, code) => expect(codeOf(fn)).toBe(code));

  it('patterns that match no parameter are ConfigErrors at init', () => {
    expect(codeOf(() => freeze('dense*', sgd({ learningRate: 1 })).init(params))).toBe(
      'CONFIG:pattern',
    );
    expect(
      codeOf(() => multiplyLearningRates({ 'dense*': 0.1 }, sgd({ learningRate: 1 })).init(params)),
    ).toBe('CONFIG:multipliers');
    expect(codeOf(() => adamw({ mask: 'dense*' }).init(params))).toBe('CONFIG:mask');
  });
  it('a missing state entry or missing params are StateErrors', () => {
    const t = scaleByAdam();
    expect(codeOf(() => tf.tidy(() => t.update(grads, {}, params, { step: 0 }).updates))).toBe(
      'STATE:state',
    );
    const d = addDecayedWeights({ weightDecay: 0.1 });
    expect(codeOf(() => tf.tidy(() => d.update(grads, {}, undefined, { step: 0 }).updates))).toBe(
      'STATE:params',
    );
  });
  it('a schedule without toJSON cannot be serialized', () => {
    expect(codeOf(() => sgd({ learningRate: () => 0.1 }).toJSON())).toBe('CONFIG:learningRate');
  });
});

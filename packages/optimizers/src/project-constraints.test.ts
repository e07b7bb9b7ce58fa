import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Constraint } from '@trainkit/core';
import { errorCode, expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { chain } from './chain';
import { OptimizerState } from './optimizer-state';
import { projectConstraints } from './project-constraints';
import { sgd } from './sgd';

// max-norm over the whole tensor: w * min(1, c / ||w||)
const maxNorm = (c: number, appliesTo?: string): Constraint =>
  Object.assign((w: tf.Tensor) => tf.mul(w, tf.minimum(1, tf.div(c, tf.norm(w)))), {
    ...(appliesTo === undefined ? {} : { appliesTo }),
  });

describe('projectConstraints', () => {
  it('turns the update into C(p + u) - p, only for the weights a constraint applies to', () => {
    const params = { w: tf.variable(tf.tensor1d([3, 4])), b: tf.variable(tf.tensor1d([3, 4])) };
    // sgd lr 1, gradient -(3, 4): p + u = (6, 8), norm 10; max-norm 5 on w only -> (3, 4)
    const opt = new OptimizerState(
      chain(sgd({ learningRate: 1 }), projectConstraints([maxNorm(5, 'w')])),
      params,
    );
    const g = { w: tf.tensor1d([-3, -4]), b: tf.tensor1d([-3, -4]) };
    const kept = opt.step(g, { keepUpdates: true }) ?? {};
    const w = Array.from(params.w.dataSync());
    expect(w[0]).toBeCloseTo(3, 5);
    expect(w[1]).toBeCloseTo(4, 5);
    expect(Array.from(params.b.dataSync())).toEqual([6, 8]);
    expect(Array.from(kept.w!.dataSync())).toEqual([0, 0]);
    tf.dispose([...Object.values(kept), ...Object.values(g), ...Object.values(params)]);
    opt.dispose();
  });

  it('rejects non-constraints, missing params, unserializable constraints; leaks nothing', async () => {
    expect(errorCode(() => projectConstraints([1 as never]))).toBe('CONFIG');
    const t = projectConstraints([maxNorm(1)]);
    expect(errorCode(() => t.toJSON())).toBe('CONFIG');
    const g = { w: tf.ones([2]) };
    expect(errorCode(() => tf.tidy(() => void t.update(g, {}, undefined, { step: 0 })))).toBe(
      'CONFIG',
    );
    const w = tf.variable(tf.ones([2]));
    const opt = new OptimizerState(t, { w });
    await expectNoLeaks(() => {
      for (let i = 0; i < 3; i++) opt.step(g);
    }, 'projectConstraints steps');
    expect(Math.hypot(...w.dataSync())).toBeLessThanOrEqual(1 + 1e-6);
    opt.dispose();
    tf.dispose([w, g.w]);
  });
});

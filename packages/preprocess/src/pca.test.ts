import * as tf from '@tensorflow/tfjs-core';
import { fromJSON, isTrainkitError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, fixture, flat, take } from '../test/helpers';
import { PCA, type PCAOptions } from './pca';
import { registerPreprocessKinds } from './registry';

// Registration is explicit: the core fromJSON below needs it.
beforeAll(() => registerPreprocessKinds());

interface Case {
  nComponents: number;
  components: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  mean: number[];
  transformed: number[][];
  inverse: number[][];
  solver: string;
  whiten: boolean;
}
const F = fixture<{ x: number[][]; xAuto: number[][]; cases: Record<string, Case> }>('pca.json');

/** Flips the sign of our component i (and projection column i) to match the reference's. */
function signs(ours: number[][], ref: number[][]): number[] {
  return ours.map((row, i) => {
    let dot = 0;
    for (let j = 0; j < row.length; j++) dot += row[j]! * ref[i]![j]!;
    return dot < 0 ? -1 : 1;
  });
}

function checkCase(name: string, opts: PCAOptions, data: number[][]) {
  const c = F.cases[name]!;
  const x = tf.tensor2d(data);
  const pca = new PCA(opts).fit(x);
  expect(pca.nComponents).toBe(c.nComponents);
  const s = signs(pca.components, c.components);
  expectClose(
    pca.components.flatMap((row, i) => row.map((v) => v * s[i]!)),
    flat(c.components),
  );
  expectClose(pca.explainedVariance, c.explainedVariance);
  expectClose(pca.explainedVarianceRatio, c.explainedVarianceRatio);
  expectClose(pca.mean, c.mean);
  const z = pca.transform(x);
  const k = c.nComponents;
  expectClose(
    Array.from(z.dataSync()).map((v, i) => v * s[i % k]!),
    flat(c.transformed),
  );
  expectClose(take(pca.inverseTransform(z)), flat(c.inverse));
  tf.dispose([x, z]);
  return pca;
}

describe('PCA against scikit-learn', () => {
  it('full solver, 3 components', () => {
    expect(checkCase('full3', { nComponents: 3, solver: 'full' }, F.x).fittedSolver).toBe('full');
  });
  it('full solver, nComponents as a 0.9 explained-variance fraction', () => {
    checkCase('full90', { nComponents: 0.9 }, F.x);
  });
  it('whiten: unit-variance projections, inverse_transform included', () => {
    checkCase('full3whiten', { nComponents: 3, whiten: true }, F.x);
  });
  it('randomized solver (Halko et al.) on the same data', () => {
    const p = checkCase('randomized3', { nComponents: 3, solver: 'randomized' }, F.x);
    expect(p.fittedSolver).toBe('randomized');
  });
  it("'auto' picks randomized where scikit-learn does (520 x 12, k = 3) and agrees", () => {
    expect(F.cases.auto520!.solver).toBe('randomized');
    const p = checkCase('auto520', { nComponents: 3 }, F.xAuto);
    expect(p.fittedSolver).toBe('randomized');
  });
  it("randomized on the data itself (sketch 'data', no covariance) agrees with scikit-learn", () => {
    checkCase('randomized3', { nComponents: 3, solver: 'randomized', sketch: 'data' }, F.x);
    const p = checkCase('auto520', { nComponents: 3, sketch: 'data' }, F.xAuto);
    expect(p.fittedSolver).toBe('randomized');
  });
  it("sketch 'data' and sketch 'covariance' give the same components on 520 x 12", () => {
    const x = tf.tensor2d(F.xAuto);
    const opts = { nComponents: 3, iterations: 10, oversamples: 3 } as const;
    const a = new PCA({ ...opts, sketch: 'data' }).fit(x);
    const b = new PCA({ ...opts, sketch: 'covariance' }).fit(x);
    expectClose(a.explainedVariance, b.explainedVariance, 1e-5);
    const s = signs(a.components, b.components);
    expectClose(
      a.components.flatMap((row, i) => row.map((v) => v * s[i]!)),
      b.components.flat(),
      1e-4,
    );
    x.dispose();
  });
  it("'auto' stays exact on small inputs and for fractions", () => {
    const x = tf.tensor2d(F.x);
    expect(new PCA({ nComponents: 3 }).fit(x).fittedSolver).toBe('full');
    expect(new PCA().fit(x).nComponents).toBe(8);
    x.dispose();
  });
});

describe('PCA streaming', () => {
  it('partialFit over batches equals one-shot fit', () => {
    const x = tf.tensor2d(F.x);
    const one = new PCA({ nComponents: 4 }).fit(x);
    const st = new PCA({ nComponents: 4 });
    for (const [a, b] of [
      [0, 13],
      [13, 64],
      [64, 120],
    ] as const) {
      const batch = tf.slice(x, [a, 0], [b - a, 8]);
      st.partialFit(batch);
      batch.dispose();
    }
    expect(st.nSamples).toBe(120);
    expectClose(st.explainedVariance, one.explainedVariance, 1e-5);
    expectClose(st.components.flat(), one.components.flat(), 1e-4);
    expectClose(st.mean, one.mean, 1e-6);
    x.dispose();
  });

  it('fits NHWC images on flattened pixels and inverts back to images', () => {
    const imgs = tf.tidy(() => tf.reshape(tf.tensor2d(F.x), [120, 2, 2, 2]));
    const pca = new PCA().fit(imgs);
    const z = pca.transform(imgs);
    expect(z.shape).toEqual([120, 8]);
    const back = pca.inverseTransform(z);
    expect(back.shape).toEqual([120, 2, 2, 2]);
    expectClose(take(back), flat(F.x), 1e-4);
    tf.dispose([imgs, z]);
  });
});

describe('PCA errors', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return isTrainkitError(e) ? `${e.code} ${e.argument}` : `untyped ${String(e)}`;
    }
    return undefined;
  };

  it('transform, inverseTransform and attributes before fit -> STATE', () => {
    const x = tf.ones([3, 2]);
    expect(code(() => new PCA().transform(x))).toBe('STATE transform');
    expect(code(() => new PCA().inverseTransform(x))).toBe('STATE inverseTransform');
    expect(code(() => new PCA().components)).toMatch(/^STATE/);
    x.dispose();
  });

  it('nComponents > features, fewer samples than components -> RANGE naming nComponents', () => {
    const x = tf.tensor2d(F.x);
    const few = tf.slice(x, [0, 0], [3, 8]);
    expect(code(() => new PCA({ nComponents: 9 }).fit(x))).toBe('RANGE nComponents');
    expect(code(() => new PCA({ nComponents: 5 }).fit(few))).toBe('RANGE nComponents');
    tf.dispose([x, few]);
  });

  it('NaN / infinity, feature mismatch, wrong rank -> typed errors', () => {
    const nan = tf.tensor2d([
      [1, Number.NaN],
      [2, 3],
      [0, 1],
    ]);
    const inf = tf.tensor2d([
      [1, Number.NEGATIVE_INFINITY],
      [2, 3],
      [0, 1],
    ]);
    const x = tf.tensor2d(F.x);
    const y = tf.ones([2, 7]);
    const v = tf.ones([5]);
    expect(code(() => new PCA().fit(nan))).toBe('NAN x');
    expect(code(() => new PCA().fit(inf))).toBe('NAN x');
    const p = new PCA({ nComponents: 2 }).fit(x);
    expect(code(() => p.transform(y))).toBe('SHAPE x');
    expect(code(() => p.inverseTransform(y))).toBe('SHAPE z');
    expect(code(() => p.partialFit(y))).toBe('SHAPE batch');
    expect(code(() => new PCA().fit(v))).toBe('SHAPE x');
    tf.dispose([nan, inf, x, y, v]);
  });

  it("partialFit after a one-shot fit with sketch 'data' -> STATE (no covariance kept)", () => {
    const x = tf.tensor2d(F.xAuto);
    const p = new PCA({ nComponents: 3, sketch: 'data' }).fit(x);
    expect(code(() => p.partialFit(x))).toBe('STATE batch');
    const q = new PCA({ nComponents: 3, sketch: 'covariance' }).fit(x).partialFit(x);
    expect(q.nSamples).toBe(2 * 520);
    x.dispose();
  });

  it('bad options -> typed errors', () => {
    expect(code(() => new PCA({ sketch: 'rows' as never }))).toBe('CONFIG sketch');
    expect(code(() => new PCA({ nComponents: 0 }))).toBe('RANGE nComponents');
    expect(code(() => new PCA({ nComponents: 2.5 }))).toBe('RANGE nComponents');
    expect(code(() => new PCA({ nComponents: 0.9, solver: 'randomized' }))).toBe(
      'CONFIG nComponents',
    );
    expect(code(() => new PCA({ solver: 'arpack' as never }))).toBe('CONFIG solver');
    expect(code(() => new PCA({ iterations: -1 }))).toBe('RANGE iterations');
    expect(code(() => new PCA({ rangeFinder: 'lanczos' as never }))).toBe('CONFIG rangeFinder');
  });
});

describe('PCA memory and serialization', () => {
  it('fit, partialFit, transform and inverseTransform leak nothing', async () => {
    const x = tf.tensor2d(F.x);
    await expectNoLeaks(() => {
      const p = new PCA({ nComponents: 3, whiten: true }).fit(x).partialFit(x);
      const z = p.transform(x);
      tf.dispose([z, p.inverseTransform(z)]);
      new PCA({ nComponents: 3, solver: 'randomized', sketch: 'data' }).fit(x);
    });
    x.dispose();
  });

  it('round-trips through JSON, transforms identically, refuses partialFit after restore', () => {
    const x = tf.tensor2d(F.x);
    const p = new PCA({ nComponents: 3, whiten: true, seed: 4 }).fit(x);
    const json = JSON.parse(JSON.stringify(p.toJSON()));
    expect(json.kind).toBe('preprocess.pca');
    const r = fromJSON<PCA>(json);
    expect(r.toJSON()).toEqual(json);
    expect(r.fitted).toBe(true);
    expectClose(take(r.transform(x)), take(p.transform(x)), 1e-6);
    expect(() => r.partialFit(x)).toThrow(/restored/);
    const blank = fromJSON<PCA>(new PCA({ nComponents: 0.5 }).toJSON());
    expect(blank.fitted).toBe(false);
    expect(blank.nComponentsOption).toBe(0.5);
    expect(blank.rangeFinder).toBe('krylov');
    // Saved before the option existed: the subspace iteration of that time.
    const { rangeFinder: _, ...old } = new PCA({ nComponents: 2 }).toJSON();
    expect(fromJSON<PCA>(old).rangeFinder).toBe('subspace');
    x.dispose();
  });
});

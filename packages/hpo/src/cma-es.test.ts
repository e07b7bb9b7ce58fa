import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { cmaInit, cmaParameters, cmaSample, cmaTell, symmetricEigen } from './cma-es';

interface Case {
  n: number;
  mean0: number[];
  sigma0: number;
  lambda: number;
  params: Record<string, number | number[]>;
  generations: {
    xsSorted: number[][];
    mean: number[];
    sigma: number;
    C: number[][];
    pSigma: number[];
    pc: number[];
  }[];
}
const here = new URL('.', import.meta.url).pathname;
const fixture = JSON.parse(
  readFileSync(join(here, '..', 'fixtures', 'cma-generations.json'), 'utf8'),
) as { cases: Case[] };

function close(a: number[], b: number[], tol = 1e-10): void {
  for (const [i, v] of a.entries())
    expect(Math.abs(v - b[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(b[i]!)));
}

describe('CMA-ES core against the cmaes library (scripts/cma-fixture.py)', () => {
  for (const c of fixture.cases) {
    it(`n=${c.n}, lambda=${c.lambda}: the same strategy parameters and ${c.generations.length} identical generations`, () => {
      const p = cmaParameters(c.n, c.lambda);
      expect(p.mu).toBe(c.params.mu);
      for (const k of ['muEff', 'cSigma', 'dSigma', 'cc', 'c1', 'cMu', 'chiN'] as const)
        expect(p[k]).toBeCloseTo(c.params[k] as number, 12);
      close(p.weights, c.params.weights as number[], 1e-12);
      let s = cmaInit(c.mean0, c.sigma0);
      for (const g of c.generations) {
        s = cmaTell(s, p, g.xsSorted);
        close(s.mean, g.mean);
        expect(Math.abs(s.sigma / g.sigma - 1)).toBeLessThan(1e-10);
        close(s.pSigma, g.pSigma);
        close(s.pc, g.pc);
        for (const [i, row] of s.C.entries()) close(row, g.C[i]!);
      }
    });
  }

  it('default population 4 + floor(3 ln n), positive weights summing to 1 (Hansen, Table 1)', () => {
    const p = cmaParameters(10);
    expect(p.lambda).toBe(10);
    expect(p.mu).toBe(5);
    const pos = p.weights.slice(0, 5);
    expect(pos.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p.weights.slice(5).every((w) => w <= 0)).toBe(true);
    // mu_eff = 1 / sum w_i^2 over the positive weights
    expect(p.muEff).toBeCloseTo(1 / pos.reduce((a, w) => a + w * w, 0), 12);
  });
});

describe('CMA-ES on closed-form problems, against the cmaes library (fixtures/cma-convergence.json)', () => {
  const ref = JSON.parse(
    readFileSync(join(here, '..', 'fixtures', 'cma-convergence.json'), 'utf8'),
  ) as Record<'sphereRate' | 'ellipsoidGenerations', { median: number; min: number; max: number }>;
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

  function run(f: (x: number[]) => number, n: number, generations: number, seed: number) {
    const p = cmaParameters(n);
    const rng = new Rng(seed);
    let s = cmaInit(new Array(n).fill(3), 1);
    const best: number[] = [];
    let reached = Number.POSITIVE_INFINITY;
    for (let g = 0; g < generations; g++) {
      const xs = Array.from({ length: p.lambda }, () => cmaSample(s, rng));
      xs.sort((a, b) => f(a) - f(b));
      best.push(f(xs[0]!));
      s = cmaTell(s, p, xs);
      if (f(s.mean) < 1e-10 && reached > g) reached = g + 1;
    }
    return { s, best, reached };
  }

  it('sphere (n=5): the mean goes to the optimum at the reference linear rate', () => {
    const sphere = (x: number[]) => x.reduce((a, v) => a + v * v, 0);
    const rates: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      const { s, best } = run(sphere, 5, 150, seed);
      expect(sphere(s.mean)).toBeLessThan(1e-12);
      rates.push((Math.log10(best[30]!) - Math.log10(best[120]!)) / 90);
      // isotropic problem: C stays close to a multiple of I
      const { values } = symmetricEigen(s.C);
      expect(Math.max(...values) / Math.min(...values)).toBeLessThan(10);
    }
    // decades of f per generation; cmaes: median ~0.099 over 10 seeds
    expect(median(rates)).toBeGreaterThan(0.85 * ref.sphereRate.min);
    expect(median(rates)).toBeLessThan(1.15 * ref.sphereRate.max);
  });

  it('rotated ellipsoid (n=4, condition 1e4): reference number of generations, and C learns the inverse Hessian', () => {
    const n = 4;
    const rng = new Rng(7);
    // a random rotation from Gram-Schmidt
    const R: number[][] = [];
    for (let i = 0; i < n; i++) {
      let v = Array.from({ length: n }, () => rng.normal());
      for (const r of R) {
        const d = v.reduce((a, x, k) => a + x * r[k]!, 0);
        v = v.map((x, k) => x - d * r[k]!);
      }
      const len = Math.hypot(...v);
      R.push(v.map((x) => x / len));
    }
    const scales = [1, 10 ** (4 / 3), 10 ** (8 / 3), 1e4];
    // H = R^T diag(scales) R
    const H = R.map((_, i) =>
      R.map((_, j) => R.reduce((a, r, k) => a + scales[k]! * r[i]! * r[j]!, 0)),
    );
    const f = (x: number[]) =>
      x.reduce((a, xi, i) => a + xi * H[i]!.reduce((b, h, j) => b + h * x[j]!, 0), 0);
    const reached: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      const { s, reached: g } = run(f, n, 250, seed);
      reached.push(g);
      // C H close to a multiple of I: its eigenvalue spread is small although H's is 1e4
      const CH = s.C.map((row) => H.map((_, j) => row.reduce((a, c, k) => a + c * H[k]![j]!, 0)));
      const sym = CH.map((r, i) => r.map((v, j) => (v + CH[j]![i]!) / 2));
      const { values } = symmetricEigen(sym);
      expect(Math.max(...values) / Math.min(...values)).toBeLessThan(10);
    }
    // cmaes: median 133 generations (112-138) to f(mean) < 1e-10
    expect(median(reached)).toBeGreaterThan(0.8 * ref.ellipsoidGenerations.min);
    expect(median(reached)).toBeLessThan(1.2 * ref.ellipsoidGenerations.max);
  });

  it('symmetricEigen reconstructs the matrix', () => {
    const A = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 1],
    ];
    const { values, B } = symmetricEigen(A);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        expect(B[i]!.reduce((a, b, k) => a + b * values[k]! * B[j]![k]!, 0)).toBeCloseTo(
          A[i]![j]!,
          12,
        );
    // trace and determinant are invariants
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(8, 12);
  });
});

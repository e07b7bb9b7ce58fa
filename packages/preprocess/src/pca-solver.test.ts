import { describe, expect, it } from 'vitest';
import * as api from './index';
import { choosePCASolver, type PCASolverChoice } from './pca-solver';

const base: PCASolverChoice = {
  solver: 'auto',
  nComponents: 50,
  oversamples: 10,
  iterations: 'auto',
  rangeFinder: 'krylov',
  seed: 0,
  sketch: 'auto',
};

describe('choosePCASolver', () => {
  it("'auto' follows scikit-learn: randomized when max(n, p) > 500 and 1 <= k < 0.8 min(n, p)", () => {
    expect(choosePCASolver(base, 60000, 784).name).toBe('randomized');
    // max(n, p) = 500 is not above 500
    expect(choosePCASolver(base, 500, 100).name).toBe('full');
    // k = 80 = 0.8 * 100 is not below it; k = 79 is
    expect(choosePCASolver({ ...base, nComponents: 80 }, 1000, 100).name).toBe('full');
    expect(choosePCASolver({ ...base, nComponents: 79 }, 1000, 100).name).toBe('randomized');
    // all components, or a variance fraction: the exact solver
    expect(choosePCASolver({ ...base, nComponents: undefined }, 1000, 100).name).toBe('full');
    expect(choosePCASolver({ ...base, nComponents: 0.9 }, 1000, 100).name).toBe('full');
  });

  it('an explicit solver is kept; only the randomized one reads rows of a one-shot fit', () => {
    const full = choosePCASolver({ ...base, solver: 'full' }, 60000, 784);
    const randomized = choosePCASolver({ ...base, solver: 'randomized' }, 10, 5);
    expect([full.name, randomized.name]).toEqual(['full', 'randomized']);
    expect(full.fromRows).toBeUndefined();
    expect(typeof randomized.fromRows).toBe('function');
  });
});

describe('the public API', () => {
  it('does not export the rows engine (internal since issue 21)', () => {
    for (const name of [
      'backendRows',
      'kernelRows',
      'setRowsEngine',
      'rowsEngine',
      'projectInline',
    ])
      expect(Object.keys(api)).not.toContain(name);
    expect(Object.keys(api)).toContain('PCA');
  });
});

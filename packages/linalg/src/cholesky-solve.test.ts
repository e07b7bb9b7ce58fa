import { describe, expect, it } from 'vitest';
import { choleskySolve } from './cholesky-solve';

// Moved with the code from optimizers' newton.test.ts.
describe('choleskySolve', () => {
  it('solves a hand-computed 2x2 system, with damping', () => {
    // [[4,2],[2,3]] x = [2,1] -> x = [0.5, 0]; with damping 1: [[5,2],[2,4]] x = [2,1] -> [6/16, 1/16]
    expect([...choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1))]).toEqual([
      0.5, 0,
    ]);
    const x = choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 1);
    expect(x[0]).toBeCloseTo(0.375, 14);
    expect(x[1]).toBeCloseTo(0.0625, 14);
  });
  it('rejects indefinite and mis-shaped systems', () => {
    expect(() => choleskySolve(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1))).toThrow(
      expect.objectContaining({ code: 'RANGE', argument: 'a' }),
    );
    expect(() => choleskySolve(Float64Array.of(1, 2, 3), Float64Array.of(1, 1))).toThrow(
      expect.objectContaining({ code: 'SHAPE', argument: 'a' }),
    );
  });
});

import { expect } from 'vitest';

/**
 * Element-wise |actual - expected| <= rtol * max(|expected|, floor), with `floor` = 1e-2 times the
 * largest |expected| (so entries that are zero up to rounding are compared on the array's scale).
 * Returns the worst relative error.
 * @example expectClose(pca.explainedVariance, sklearn.explainedVariance, 1e-5)
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-4,
): number {
  expect(actual.length).toBe(expected.length);
  let big = 0;
  for (let i = 0; i < expected.length; i++) big = Math.max(big, Math.abs(expected[i]!));
  const floor = 1e-2 * big;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), floor);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(
    worst,
    `worst relative error at ${at}: ${actual[at]} vs ${expected[at]}`,
  ).toBeLessThanOrEqual(rtol);
  return worst;
}

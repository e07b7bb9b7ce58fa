import { Rng } from '@trainkit/core';

export { expectClose } from '@trainkit/test-utils';

/** A = Q diag(lambda) Q^T with Q a random orthogonal matrix (Gram-Schmidt), row-major. */
export function withSpectrum(lambda: number[], seed: number): { a: Float64Array; q: number[][] } {
  const p = lambda.length;
  const rng = new Rng(seed);
  const q: number[][] = [];
  for (let i = 0; i < p; i++) {
    const v = Array.from({ length: p }, () => rng.normal());
    for (const u of q) {
      const d = v.reduce((s, x, j) => s + x * u[j]!, 0);
      for (let j = 0; j < p; j++) v[j] = v[j]! - d * u[j]!;
    }
    const n = Math.hypot(...v);
    q.push(v.map((x) => x / n));
  }
  const a = new Float64Array(p * p);
  for (let k = 0; k < p; k++)
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) a[i * p + j] = a[i * p + j]! + lambda[k]! * q[k]![i]! * q[k]![j]!;
  return { a, q };
}

import { Rng } from '@trainkit/core';
import type { Arena } from '../src/kernels/arena';
import type { Call, Runner, Work } from '../src/kernels/runner';

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

/** A seeded uniform generator in [0, 1) (mulberry32), so that failures reproduce. */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Largest |a - b| relative to the largest |b|. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** `A B` by the definition, in float64 (`A` row-major `m x k`, `B` row-major `k x n`). */
export function matmulReference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t]! * b[t * n + j]!;
      c[i * n + j] = s;
    }
  return c;
}

/**
 * A runner of `threads` simulated threads on `arena`'s one instance: each takes its share of the
 * chunks in turn (thread t takes chunks t, t + threads, ...), so the chunking and per-thread calls
 * of a real pool are exercised without workers. Every call run is appended to `seen`.
 */
export function simulatedRunner(arena: Arena, threads: number, seen: Call[] = []): Runner {
  const k = arena.kernels as unknown as Record<string, (...a: number[]) => void>;
  const exec = (calls: Call[]) => {
    for (const [fn, ...args] of calls) k[fn]!(...args);
    seen.push(...calls);
  };
  return Object.assign(
    (work: Work) => {
      for (const calls of work.each) exec(calls);
      work.chunks.forEach((chunk, i) => {
        exec(chunk[i % threads]!);
      });
    },
    { threads },
  );
}

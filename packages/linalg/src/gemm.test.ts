import { errorCode } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { matmulReference, relError, simulatedRunner, uniform } from '../test/helpers';
import { gemm } from './gemm';
import { Arena } from './kernels/arena';
import { kernelModule } from './kernels/module';
import { type Call, inlineRunner, type KernelThreads } from './kernels/runner';

/**
 * Simulated threads on one (unshared) memory: thread t takes chunks t, t + threads, ... in turn,
 * so the chunking and per-thread calls of a real pool are exercised without workers.
 */
function simulatedThreads(threads: number): KernelThreads & { seen: Call[] } {
  const arena = new Arena(kernelModule(false) as WebAssembly.Module, false);
  const seen: Call[] = [];
  const run = simulatedRunner(arena, threads, seen);
  return { arena: () => arena, run, seen };
}

describe('gemm', () => {
  it('multiplies a hand-computed 2 x 3 by 3 x 2', () => {
    const a = Float32Array.of(1, 2, 3, 4, 5, 6);
    const b = Float32Array.of(1, 0, 0, 1, 1, 1);
    // [[1 + 3, 2 + 3], [4 + 6, 5 + 6]]
    expect([...gemm(a, b, { m: 2, k: 3, n: 2 })]).toEqual([4, 5, 10, 11]);
  });

  // Sizes off the 4 x 8 tile (rows not a multiple of 4, columns past a panel and half-panels).
  for (const [m, k, n] of [
    [1, 1, 1],
    [5, 3, 9],
    [37, 21, 5],
    [64, 100, 12],
    [130, 17, 33],
  ] as const) {
    it(`matches the float64 definition on ${m} x ${k} times ${k} x ${n}, on one thread and on three`, () => {
      const r = uniform(m * 1000 + k * 10 + n);
      const u = () => r() - 0.5;
      const a = Float32Array.from({ length: m * k }, u);
      const b = Float32Array.from({ length: k * n }, u);
      const want = matmulReference(a, b, m, k, n);
      expect(relError(gemm(a, b, { m, k, n }), want)).toBeLessThan(1e-5);
      const threads = simulatedThreads(3);
      expect(relError(gemm(a, b, { m, k, n }, { threads }), want)).toBeLessThan(1e-5);
      expect(threads.seen.some((c) => c[0] === 'project')).toBe(true);
    });
  }

  it('the inline runner of an arena runs the same product', () => {
    const arena = new Arena(kernelModule(false) as WebAssembly.Module, false);
    const threads = { arena: () => arena, run: inlineRunner(arena) };
    const a = Float32Array.of(1, 2, 3, 4);
    const b = Float32Array.of(0.5, -1, 2, 0);
    expect([...gemm(a, b, { m: 2, k: 2, n: 2 }, { threads })]).toEqual([4.5, -1, 9.5, -3]);
  });

  it('rejects shapes that do not match the data with typed errors naming the argument', () => {
    const a = new Float32Array(6);
    expect(errorCode(() => gemm(a, new Float32Array(6), { m: 2, k: 2, n: 3 }))).toBe('SHAPE');
    expect(errorCode(() => gemm(a, new Float32Array(5), { m: 2, k: 3, n: 2 }))).toBe('SHAPE');
    expect(errorCode(() => gemm(a, new Float32Array(6), { m: 0, k: 3, n: 2 }))).toBe('RANGE');
    expect(() => gemm(a, new Float32Array(5), { m: 2, k: 3, n: 2 })).toThrow(
      expect.objectContaining({ argument: 'b' }),
    );
  });
});
